package ai.aimix.jobs;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;

/** The options an options class declares, for documentation, {@code --help} and the docs-in-sync test. */
public final class JobOptions {
    private JobOptions() {}

    /** Every public static {@link ConfigOption} field of {@code optionsClass}. */
    public static List<ConfigOption<?>> declaredIn(Class<?> optionsClass) {
        List<ConfigOption<?>> out = new ArrayList<>();
        for (Field f : optionsClass.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                try {
                    out.add((ConfigOption<?>) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }
}
