package dev.ferry.systemtest.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one-shot {@code ferry-primary} commands (such as {@code restore}) as child processes. */
public final class PrimaryCli {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private PrimaryCli() {}

    /** What a command printed (stdout and stderr together) and its exit code. */
    public record Result(List<String> command, int exitCode, String output) {
        public String describe() {
            return String.join(" ", command) + " exited with " + exitCode + ":\n" + output;
        }
    }

    /** Runs {@code java -jar ferry-primary.jar ARGS...}, logging its output to {@code log}. */
    public static Result run(Path log, String... args) {
        List<String> command = new ArrayList<>(List.of(PrimaryProcess.javaBinary(), "-jar", PrimaryJar.path().toString()));
        command.addAll(List.of(args));
        try {
            Files.createDirectories(log.getParent());
            Process process = ChildProcesses.register(new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start());
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + TIMEOUT
                        + "; output so far in " + log);
            }
            return new Result(command, process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }
}
