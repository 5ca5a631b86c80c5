package dev.ferry.systemtest.harness;

/** Reads one sample out of Prometheus text. */
public final class Metrics {
    private Metrics() {}

    /**
     * The sum of every sample of {@code name} whose label set contains all of {@code labels} (each
     * written {@code key="value"}); 0 if there is none.
     */
    public static double sum(String text, String name, String... labels) {
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + " ") || line.startsWith(name + "{"))) {
                continue;
            }
            boolean matches = true;
            for (String label : labels) {
                matches &= line.contains(label);
            }
            if (matches) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }
}
