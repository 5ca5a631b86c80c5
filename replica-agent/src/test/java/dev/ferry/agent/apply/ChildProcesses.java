package dev.ferry.agent.apply;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The processes a test starts, so that it stops exactly those (by handle, with their descendants)
 * and leaves nothing running when it fails.
 */
final class ChildProcesses implements AutoCloseable {
    private final List<Process> started = new ArrayList<>();

    synchronized Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** A JVM running {@code mainClass} from the test class path. */
    Process startJava(Class<?> mainClass, List<String> jvmArgs, List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(testClassPath());
        cmd.add(mainClass.getName());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (log != null) {
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        return start(pb);
    }

    static String testClassPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    /** Runs a short command to completion and returns its standard output; fails on timeout or exit status. */
    String run(List<String> cmd, String stdin, long timeoutMs) throws IOException, InterruptedException {
        Process p = start(new ProcessBuilder(cmd).redirectErrorStream(true));
        try {
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                throw new IOException(String.join(" ", cmd) + " did not finish in " + timeoutMs + " ms");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " exited with " + p.exitValue() + ": " + text);
            }
            return text;
        } finally {
            stop(p);
        }
    }

    synchronized void stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        started.remove(p);
    }

    @Override
    public synchronized void close() {
        for (Process p : new ArrayList<>(started)) {
            stop(p);
        }
    }

    static String path(Path p) {
        return p.toAbsolutePath().toString().replace(File.separatorChar, '/');
    }
}
