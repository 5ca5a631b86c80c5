package dev.ferry.agent;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ferry-agent} command; {@code run} is the agent process ({@link RunCommand}). */
@Command(name = "ferry-agent", mixinStandardHelpOptions = true, version = "ferry-agent 0.1.0",
        subcommands = RunCommand.class,
        description = "Keeps local read-only copies of Ferry databases up to date beside a service.")
public final class FerryAgent implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new FerryAgent()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
