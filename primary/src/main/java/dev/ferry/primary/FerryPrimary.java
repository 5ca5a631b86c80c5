package dev.ferry.primary;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ferry-primary}: the primary server's command line. Each job is a subcommand. */
@Command(
        name = "ferry-primary",
        description = "The Ferry primary: owns writable SQLite databases and ships their changes to replica agents.",
        subcommands = {ServeCommand.class, RestoreCommand.class, CommandLine.HelpCommand.class},
        usageHelpAutoWidth = true)
public final class FerryPrimary implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    public static void main(String[] args) {
        int exitCode = new CommandLine(new FerryPrimary()).execute(args);
        // A server that stopped on a signal returns from here while shutdown hooks run; exiting
        // explicitly is only needed to report a failure.
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing subcommand; see 'ferry-primary help'");
    }
}
