package io.herd.cli;

import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code herdctl}: the command line for the herd controller's public API. */
@Command(
    name = "herdctl",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Manage herd server groups, servers and hosts through the controller's API.",
    subcommands = {
      GroupCommand.class,
      ServerCommand.class,
      HostCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:other failure",
      "2:usage error, or an argument the controller refused (INVALID_ARGUMENT)",
      "3:not found (NOT_FOUND)",
      "4:no valid host, or a quota reached (RESOURCE_EXHAUSTED)",
      "5:controller unreachable or too slow (UNAVAILABLE, DEADLINE_EXCEEDED), or --wait gave up",
      "6:conflict with the current state (ALREADY_EXISTS, FAILED_PRECONDITION)",
      "7:--wait ended with a server in ERROR (or deleted)",
      "8:host drain or evacuate left servers where they were",
      "9:no credentials, or credentials the controller does not accept (UNAUTHENTICATED)",
      "10:your identity's role does not allow this call (PERMISSION_DENIED)"
    },
    footer = {
      "",
      "Environment:",
      "  HERD_CONTROLLER  the controller's host:port when --controller is not given",
      "  HERD_TOKEN_FILE  the bearer token file when --token-file is not given"
    })
public final class Herdctl {
  /** The environment variable that names the controller when --controller is absent. */
  public static final String CONTROLLER_ENV = "HERD_CONTROLLER";
  /** The environment variable that names the token file when --token-file is absent. */
  public static final String TOKEN_FILE_ENV = "HERD_TOKEN_FILE";

  private static final int DEFAULT_WIDTH = 80;

  @Option(
      names = "--controller",
      paramLabel = "HOST:PORT",
      scope = ScopeType.INHERIT,
      description = "The controller's public API (default: $HERD_CONTROLLER, else "
          + ControllerAddress.DEFAULT + ").")
  String controller;

  @Option(
      names = "--tls",
      scope = ScopeType.INHERIT,
      description = "Use TLS, trusting the JVM's CA certificates unless --ca is given.")
  boolean tls;

  @Option(
      names = "--ca",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description = "PEM CA certificate(s) that signed the controller's certificate (implies --tls).")
  Path caFile;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description = "PEM client certificate for mutual TLS (implies --tls; needs --key).")
  Path certFile;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description = "PKCS#8 PEM private key of --cert.")
  Path keyFile;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description = "Send the bearer token in the file's first line with every call (default:"
          + " $" + TOKEN_FILE_ENV + "). The file must be readable by its owner only; the token is sent"
          + " only over TLS or to a loopback address.")
  Path tokenFile;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      completionCandidates = OutputFormat.Candidates.class,
      scope = ScopeType.INHERIT,
      description = "table, json or yaml (default: ${DEFAULT-VALUE}).")
  OutputFormat outputFormat;

  private final ChannelFactory channels;
  private final Map<String, String> environment;

  /** herdctl as run from the shell: real TCP channels, the process environment. */
  public Herdctl() {
    this(new NettyChannelFactory(), System.getenv());
  }

  /** herdctl with its channel and environment given (tests use in-process channels). */
  public Herdctl(ChannelFactory channels, Map<String, String> environment) {
    this.channels = channels;
    this.environment = Map.copyOf(environment);
  }

  public static void main(String[] args) {
    System.exit(commandLine(new Herdctl()).execute(args));
  }

  /** The picocli command line for {@code herdctl}, with herdctl's error handling and exit codes. */
  public static CommandLine commandLine(Herdctl herdctl) {
    CommandLine commandLine = new CommandLine(herdctl);
    versionEverywhere(commandLine);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    // a later --controller (or -o) wins, so that aliases and scripts can override their own
    commandLine.setOverwrittenOptionsAllowed(true);
    commandLine.setExecutionExceptionHandler(
        (exception, failed, parseResult) -> {
          failed.getErr().println(herdctl.describe(exception));
          failed.getErr().flush();
          return herdctl.exitCodeOf(exception);
        });
    return commandLine;
  }

  /** Every command offers -V (mixinStandardHelpOptions): each prints herdctl's version. */
  private static void versionEverywhere(CommandLine command) {
    for (CommandLine sub : command.getSubcommands().values()) {
      sub.getCommandSpec().versionProvider(command.getCommandSpec().versionProvider());
      versionEverywhere(sub);
    }
  }

  String describe(Exception exception) {
    if (exception instanceof StatusRuntimeException status) {
      return ErrorReport.describe(status, addressOrDefault(), usesTls());
    }
    if (exception instanceof CliException) {
      return "herdctl: " + exception.getMessage();
    }
    return "herdctl: " + exception;
  }

  int exitCodeOf(Exception exception) {
    if (exception instanceof StatusRuntimeException status) {
      return ExitCodes.of(status.getStatus().getCode());
    }
    if (exception instanceof CliException cli) {
      return cli.exitCode();
    }
    return ExitCodes.OTHER;
  }

  /** The settings chosen by flags and environment; a bad value is a usage error. */
  ConnectionSettings connectionSettings() {
    ControllerAddress address;
    String text = controller;
    String source = "--controller";
    if (text == null) {
      text = environment.getOrDefault(CONTROLLER_ENV, "");
      source = CONTROLLER_ENV;
      if (text.isBlank()) {
        text = ControllerAddress.DEFAULT;
      }
    }
    try {
      address = ControllerAddress.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, "bad " + source + ": " + e.getMessage());
    }
    if ((certFile == null) != (keyFile == null)) {
      throw new CliException(ExitCodes.USAGE, "--cert and --key go together: give both or neither");
    }
    requireReadable("--ca", caFile);
    requireReadable("--cert", certFile);
    requireReadable("--key", keyFile);
    Path token = tokenFile();
    requireReadable(tokenSource(), token);
    if (token != null && !usesTls() && !address.isLoopback()) {
      throw new CliException(ExitCodes.USAGE, "refusing to send the token of " + tokenSource()
          + " in the clear to " + address + ": use TLS (--tls or --ca FILE); without TLS a token goes"
          + " only to a loopback address");
    }
    return new ConnectionSettings(address, usesTls(), caFile, certFile, keyFile, token);
  }

  /** --token-file, else $HERD_TOKEN_FILE unless blank, else none. */
  private Path tokenFile() {
    if (tokenFile != null) {
      return tokenFile;
    }
    String text = environment.getOrDefault(TOKEN_FILE_ENV, "");
    return text.isBlank() ? null : Path.of(text);
  }

  private String tokenSource() {
    return tokenFile != null ? "--token-file" : TOKEN_FILE_ENV;
  }

  private static void requireReadable(String option, Path file) {
    if (file != null && !Files.isReadable(file)) {
      throw new CliException(ExitCodes.USAGE, option + " " + file + ": no such readable file");
    }
  }

  private boolean usesTls() {
    return tls || caFile != null || certFile != null;
  }

  private ControllerAddress addressOrDefault() {
    try {
      return connectionSettings().address();
    } catch (CliException e) {
      return ControllerAddress.parse(ControllerAddress.DEFAULT);
    }
  }

  /** Opens the channel to the controller. */
  ControllerClient connect() {
    ConnectionSettings settings = connectionSettings();
    BearerToken token = settings.tokenFile() == null ? null : BearerToken.read(tokenSource(), settings.tokenFile());
    try {
      return new ControllerClient(channels.open(settings), token);
    } catch (IOException | IllegalArgumentException e) {
      throw new CliException(
          ExitCodes.USAGE,
          (settings.tls() ? "cannot set up TLS with the given files: " : "cannot connect to " + settings.address() + ": ")
              + e.getMessage());
    }
  }

  OutputFormat outputFormat() {
    return outputFormat;
  }

  /** The terminal width tables aim for: $COLUMNS when set, else 80. */
  int width() {
    try {
      int columns = Integer.parseInt(environment.getOrDefault("COLUMNS", ""));
      return columns >= 40 ? columns : DEFAULT_WIDTH;
    } catch (NumberFormatException e) {
      return DEFAULT_WIDTH;
    }
  }
}
