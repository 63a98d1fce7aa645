package io.herd.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A herdctl command that calls the controller: opens the channel, runs, closes it. */
abstract class ControllerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    try (ControllerClient client = herdctl().connect()) {
      return run(client);
    }
  }

  /** Does the command's calls; returns the exit code. */
  abstract int run(ControllerClient client) throws Exception;

  Herdctl herdctl() {
    return (Herdctl) spec.root().userObject();
  }

  Output output() {
    return new Output(herdctl().outputFormat(), out(), herdctl().width());
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
