package ai.aimix.dsp.metrics.peaq;

/**
 * The basic version's neural network (BS.1387-1 section 6): the eleven MOVs are scaled by the standard's a_min and
 * a_max, fed to three sigmoid hidden nodes, and summed into the distortion index DI; ODG = -3.98 + 4.2 sigmoid(DI).
 * As in Kabal's reference, scaled MOVs are not clipped to [0, 1].
 */
final class PeaqNetwork {
    private static final double[] A_MIN = {
        393.916656, 361.965332, -24.045116, 1.110661, -0.206623, 0.074318, 1.113683, 0.950345, 0.029985, 0.000101, 0
    };
    private static final double[] A_MAX = {
        921, 881.131226, 16.212030, 107.137772, 2.886017, 13.933351, 63.257874, 1145.018555, 14.819740, 1, 1
    };
    private static final double[][] W_X = {
        {-0.502657, 0.436333, 1.219602},
        {4.307481, 3.246017, 1.123743},
        {4.984241, -2.211189, -0.192096},
        {0.051056, -1.762424, 4.331315},
        {2.321580, 1.789971, -0.754560},
        {-5.303901, -3.452257, -10.814982},
        {2.730991, -6.111805, 1.519223},
        {0.624950, -1.331523, -5.955151},
        {3.102889, 0.871260, -5.922878},
        {-1.051468, -0.939882, -0.142913},
        {-1.804679, -0.503610, -0.620456}
    };
    private static final double[] W_XB = {-2.518254, 0.654841, -2.207228};
    private static final double[] W_Y = {-3.817048, 4.107138, 4.629582};
    private static final double W_YB = -0.307594;
    static final double ODG_MIN = -3.98;
    static final double ODG_MAX = 0.22;

    private PeaqNetwork() {}

    static double distortionIndex(double[] movs) {
        double di = W_YB;
        for (int j = 0; j < W_Y.length; j++) {
            double arg = W_XB[j];
            for (int i = 0; i < movs.length; i++) {
                arg += W_X[i][j] * (movs[i] - A_MIN[i]) / (A_MAX[i] - A_MIN[i]);
            }
            di += W_Y[j] * sigmoid(arg);
        }
        return di;
    }

    static double odg(double distortionIndex) {
        return ODG_MIN + (ODG_MAX - ODG_MIN) * sigmoid(distortionIndex);
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
