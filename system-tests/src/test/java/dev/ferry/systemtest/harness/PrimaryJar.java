package dev.ferry.systemtest.harness;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the built {@code ferry-primary.jar} is: system property {@code ferry.primaryJar}, set by the system-tests pom. */
public final class PrimaryJar {
    static final String PROPERTY = "ferry.primaryJar";

    private PrimaryJar() {}

    /** The jar; fails with the build command to run if it has not been built. */
    public static Path path() {
        String configured = System.getProperty(PROPERTY);
        if (configured == null) {
            throw new IllegalStateException("system property " + PROPERTY + " is not set; run the system tests through"
                    + " Maven (system-tests/pom.xml sets it) or pass -D" + PROPERTY + "=primary/target/ferry-primary.jar");
        }
        Path jar = Path.of(configured).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("ferry-primary jar not found at " + jar
                    + "; build it first with: mvn -q -o -DskipTests package");
        }
        return jar;
    }
}
