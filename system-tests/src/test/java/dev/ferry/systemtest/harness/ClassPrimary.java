package dev.ferry.systemtest.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One primary shared by every test of a class (for API tests with many cheap cases), in
 * {@code target/system-tests/CLASS/} (emptied first); start it in {@code @BeforeAll} and close it
 * in {@code @AfterAll} of a {@code PER_CLASS} test. Tests isolate themselves by database name.
 */
public final class ClassPrimary {
    private ClassPrimary() {}

    /** Starts a primary with extra {@code serve} options and waits until it is ready. */
    public static PrimaryProcess start(Class<?> testClass, List<String> serveArgs) {
        Path dir = Path.of("target", "system-tests", testClass.getSimpleName()).toAbsolutePath();
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("delete the previous run's " + dir, e);
            }
        }
        PrimaryProcess primary = PrimaryProcess.createWithOptions(PrimaryJar.path(), dir.resolve("primary").resolve("data"),
                dir.resolve("primary.log"), serveArgs);
        primary.start();
        return primary;
    }
}
