package ai.aimix.operators.registry;

import ai.aimix.model.registry.RegistryView;
import ai.aimix.schema.RegistryEntry;
import java.util.Map;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/** The models.registry view as Flink broadcast state: registry key (model/ID, champion/LEAGUE) to latest entry. */
public final class RegistryState {
    public static final MapStateDescriptor<String, RegistryEntry> DESCRIPTOR =
            new MapStateDescriptor<>("models-registry", Types.STRING, TypeInformation.of(RegistryEntry.class));

    private RegistryState() {}

    /** A view built from the state's entries. */
    public static RegistryView view(Iterable<Map.Entry<String, RegistryEntry>> entries) {
        RegistryView v = new RegistryView();
        for (Map.Entry<String, RegistryEntry> e : entries) {
            v.apply(e.getValue());
        }
        return v;
    }
}
