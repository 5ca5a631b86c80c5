package dev.ferry.systemtest.harness;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The child processes this JVM started and has not yet seen exit. A JVM shutdown hook kills them,
 * so that a test JVM ended early (surefire's fork timeout, Ctrl-C) leaves no server running. Only
 * the registered handles are touched: never anything found by name.
 */
final class ChildProcesses {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "ferry-child-reaper"));
    }

    private ChildProcesses() {}

    static Process register(Process process) {
        LIVE.add(process);
        process.onExit().thenAccept(LIVE::remove);
        return process;
    }
}
