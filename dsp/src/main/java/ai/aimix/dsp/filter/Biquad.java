package ai.aimix.dsp.filter;

/**
 * Normalised second-order section coefficients (a0 = 1): y = b0 x + b1 x1 + b2 x2 - a1 y1 - a2 y2.
 * Designs follow R. Bristow-Johnson's "Cookbook formulae for audio EQ biquad filter coefficients".
 */
public final class Biquad {
    public final double b0;
    public final double b1;
    public final double b2;
    public final double a1;
    public final double a2;

    public Biquad(double b0, double b1, double b2, double a0, double a1, double a2) {
        this.b0 = b0 / a0;
        this.b1 = b1 / a0;
        this.b2 = b2 / a0;
        this.a1 = a1 / a0;
        this.a2 = a2 / a0;
    }

    /** The identity section. */
    public static Biquad identity() {
        return new Biquad(1, 0, 0, 1, 0, 0);
    }

    /** RBJ peaking EQ: gain {@code db} at {@code f0}, bandwidth by Q. */
    public static Biquad peaking(double sampleRate, double f0, double q, double db) {
        double a = Math.pow(10, db / 40);
        double w0 = 2 * Math.PI * f0 / sampleRate;
        double cos = Math.cos(w0);
        double alpha = Math.sin(w0) / (2 * q);
        return new Biquad(1 + alpha * a, -2 * cos, 1 - alpha * a, 1 + alpha / a, -2 * cos, 1 - alpha / a);
    }

    /** RBJ low shelf with shelf slope S (S = 1: steepest without overshoot). */
    public static Biquad lowShelf(double sampleRate, double f0, double slope, double db) {
        double a = Math.pow(10, db / 40);
        double w0 = 2 * Math.PI * f0 / sampleRate;
        double cos = Math.cos(w0);
        double alpha = shelfAlpha(w0, a, slope);
        double sq = 2 * Math.sqrt(a) * alpha;
        return new Biquad(
                a * ((a + 1) - (a - 1) * cos + sq),
                2 * a * ((a - 1) - (a + 1) * cos),
                a * ((a + 1) - (a - 1) * cos - sq),
                (a + 1) + (a - 1) * cos + sq,
                -2 * ((a - 1) + (a + 1) * cos),
                (a + 1) + (a - 1) * cos - sq);
    }

    /** RBJ high shelf with shelf slope S. */
    public static Biquad highShelf(double sampleRate, double f0, double slope, double db) {
        double a = Math.pow(10, db / 40);
        double w0 = 2 * Math.PI * f0 / sampleRate;
        double cos = Math.cos(w0);
        double alpha = shelfAlpha(w0, a, slope);
        double sq = 2 * Math.sqrt(a) * alpha;
        return new Biquad(
                a * ((a + 1) + (a - 1) * cos + sq),
                -2 * a * ((a - 1) + (a + 1) * cos),
                a * ((a + 1) + (a - 1) * cos - sq),
                (a + 1) - (a - 1) * cos + sq,
                2 * ((a - 1) - (a + 1) * cos),
                (a + 1) - (a - 1) * cos - sq);
    }

    /** The RBJ shelf's alpha: sin(w0)/2 * sqrt((A + 1/A)(1/S - 1) + 2). */
    static double shelfAlpha(double w0, double a, double slope) {
        return Math.sin(w0) / 2 * Math.sqrt((a + 1 / a) * (1 / slope - 1) + 2);
    }

    /** The shelf's equivalent Q for slope S and gain A (the cookbook's 1/Q = sqrt((A + 1/A)(1/S - 1) + 2)). */
    public static double shelfQ(double a, double slope) {
        return 1 / Math.sqrt((a + 1 / a) * (1 / slope - 1) + 2);
    }

    /** |H(e^{jw})| of these coefficients at frequency f. */
    public double magnitude(double sampleRate, double f) {
        double w = 2 * Math.PI * f / sampleRate;
        double c1 = Math.cos(w);
        double s1 = Math.sin(w);
        double c2 = Math.cos(2 * w);
        double s2 = Math.sin(2 * w);
        double nr = b0 + b1 * c1 + b2 * c2;
        double ni = -(b1 * s1 + b2 * s2);
        double dr = 1 + a1 * c1 + a2 * c2;
        double di = -(a1 * s1 + a2 * s2);
        return Math.sqrt((nr * nr + ni * ni) / (dr * dr + di * di));
    }

    @Override
    public String toString() {
        return String.format("b=[%.12g, %.12g, %.12g] a=[1, %.12g, %.12g]", b0, b1, b2, a1, a2);
    }
}
