package io.herd.cli;

import io.grpc.StatusRuntimeException;
import io.herd.runtime.grpc.ControllerEndpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code herdctl}: the command line for the herd controller's public API. */
@Command(
    name = "herdctl",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Manage herd server groups, servers, flavors and hosts through the controller's API.",
    subcommands = {
      GroupCommand.class,
      ServerCommand.class,
      FlavorCommand.class,
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
      "  HERD_CONTROLLER  the controllers' host:port[,host:port…] when --controller is not given",
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
      paramLabel = "HOST:PORT[,HOST:PORT…]",
      scope = ScopeType.INHERIT,
      description = "The controllers' public API (default: $HERD_CONTROLLER, else "
          + ControllerAddress.DEFAULT + "). With several, calls go to the leader: a standby's"
          + " redirect is followed, an unreachable one is passed over.")
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
  /** How long a call keeps trying the controllers for the leader. */
  private Duration patience = LeaderFollowingChannel.PATIENCE;

  /** herdctl as run from the shell: real TCP channels, the process environment. */
  public Herdctl() {
    this(new NettyChannelFactory(), System.getenv());
  }

  /** herdctl with its channel and environment given (tests use in-process channels). */
  public Herdctl(ChannelFactory channels, Map<String, String> environment) {
    this.channels = channels;
    this.environment = Map.copyOf(environment);
  }

  /** Tests wait less for the leader than an operator does. */
  Herdctl patience(Duration duration) {
    this.patience = duration;
    return this;
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
      return ErrorReport.describe(status, addressesOrDefault(), usesTls());
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

  /**
   * The settings chosen by flags and environment, for the first controller given; a bad value is
   * a usage error.
   */
  ConnectionSettings connectionSettings() {
    List<ControllerAddress> addresses = controllerAddresses();
    if ((certFile == null) != (keyFile == null)) {
      throw new CliException(ExitCodes.USAGE, "--cert and --key go together: give both or neither");
    }
    requireReadable("--ca", caFile);
    requireReadable("--cert", certFile);
    requireReadable("--key", keyFile);
    Path token = tokenFile();
    requireReadable(tokenSource(), token);
    for (ControllerAddress address : addresses) {
      if (token != null && !usesTls() && !address.isLoopback()) {
        throw new CliException(ExitCodes.USAGE, "refusing to send the token of " + tokenSource()
            + " in the clear to " + address + ": use TLS (--tls or --ca FILE); without TLS a token goes"
            + " only to a loopback address");
      }
    }
    return new ConnectionSettings(addresses.get(0), usesTls(), caFile, certFile, keyFile, token);
  }

  /** The controllers of --controller, else $HERD_CONTROLLER, else the default; comma-separated. */
  List<ControllerAddress> controllerAddresses() {
    String text = controller;
    String source = "--controller";
    if (text == null) {
      text = environment.getOrDefault(CONTROLLER_ENV, "");
      source = CONTROLLER_ENV;
      if (text.isBlank()) {
        text = ControllerAddress.DEFAULT;
      }
    }
    List<ControllerAddress> addresses = new ArrayList<>();
    for (String item : text.split(",", -1)) {
      ControllerAddress address;
      try {
        address = ControllerAddress.parse(item);
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCodes.USAGE, "bad " + source + ": " + e.getMessage());
      }
      if (!addresses.contains(address)) {
        addresses.add(address);
      }
    }
    return addresses;
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

  private String addressesOrDefault() {
    try {
      return controllerAddresses().stream().map(ControllerAddress::toString).collect(Collectors.joining(", "));
    } catch (CliException e) {
      return ControllerAddress.DEFAULT;
    }
  }

  /**
   * Opens the channel to the first controller (a bad TLS file shows here); the others', and a
   * leader's a standby names, are opened when calls go there.
   */
  ControllerClient connect() {
    ConnectionSettings settings = connectionSettings();
    BearerToken token = settings.tokenFile() == null ? null : BearerToken.read(tokenSource(), settings.tokenFile());
    List<String> addresses = controllerAddresses().stream().map(ControllerAddress::toString).toList();
    ControllerEndpoints endpoints = new ControllerEndpoints(addresses, address -> {
      try {
        return channels.open(settings.withAddress(ControllerAddress.parse(address)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    try {
      endpoints.channel();
    } catch (UncheckedIOException | IllegalArgumentException e) {
      endpoints.close();
      String why = e instanceof UncheckedIOException u ? u.getCause().getMessage() : e.getMessage();
      throw new CliException(
          ExitCodes.USAGE,
          (settings.tls() ? "cannot set up TLS with the given files: " : "cannot connect to " + settings.address() + ": ")
              + why);
    }
    return new ControllerClient(endpoints, token, patience);
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
