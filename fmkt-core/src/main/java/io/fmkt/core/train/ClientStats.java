package io.fmkt.core.train;

/**
 * Global accuracy of a round summarised over clients: mean, min, max and population standard
 * deviation. One implementation, so the simulator's and the services' tables agree to the bit.
 */
public record ClientStats(double mean, double min, double max, double std) {

    public static ClientStats of(double[] perClient) {
        if (perClient.length == 0) {
            throw new IllegalArgumentException("no clients to summarise");
        }
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double a : perClient) {
            sum += a;
            min = Math.min(min, a);
            max = Math.max(max, a);
        }
        double mean = sum / perClient.length;
        double sq = 0;
        for (double a : perClient) {
            sq += (a - mean) * (a - mean);
        }
        return new ClientStats(mean, min, max, Math.sqrt(sq / perClient.length));
    }
}
