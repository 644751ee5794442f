package ai.aimix.dsp.metrics.pesq;

import java.util.HashMap;
import java.util.Map;

/** One {@link PesqFft} per length, for one measurement. */
final class FftCache {
    private final Map<Integer, PesqFft> byLength = new HashMap<>();

    PesqFft of(int length) {
        return byLength.computeIfAbsent(length, PesqFft::new);
    }
}
