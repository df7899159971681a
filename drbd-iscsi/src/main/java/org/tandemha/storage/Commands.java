package org.tandemha.storage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tandemha.actors.port.BoundedRun;
import org.tandemha.actors.port.StoragePort.StorageError;

/**
 * How the storage adapters run their tools: every command bounded, never through a shell, with an optional prefix
 * (a lab host living in a network namespace: {@code ip netns exec hostA}) and environment.
 */
public record Commands(List<String> prefix, Map<String, String> env, Duration timeout) {
  public Commands {
    prefix = List.copyOf(prefix);
    env = Map.copyOf(env);
  }

  public static Commands direct(Duration timeout) { return new Commands(List.of(), Map.of(), timeout); }

  public List<String> argv(List<String> command) {
    List<String> all = new ArrayList<>(prefix);
    all.addAll(command);
    return all;
  }

  /** Runs it; stdout and stderr apart (the tools' stdout is parsed, their stderr only reported). */
  public BoundedRun.Result run(List<String> command) {
    return BoundedRun.run(argv(command), env, "", timeout, false);
  }

  /** Runs it and insists on exit 0; otherwise a {@link StorageError} with the command and what it said. */
  public String ok(List<String> command) {
    BoundedRun.Result r = run(command);
    if (r.exit() != 0) {
      String said = (r.errors().strip() + " " + r.output().strip()).strip();
      throw new StorageError(String.join(" ", command) + ": " + (r.exit() < 0 ? "did not finish" : "exit " + r.exit())
          + (said.isEmpty() ? "" : ": " + firstLines(said)));
    }
    return r.output();
  }

  static String firstLines(String s) {
    List<String> lines = s.lines().filter(l -> !l.isBlank()).limit(3).toList();
    String joined = String.join(" | ", lines);
    return joined.length() > 300 ? joined.substring(0, 300) + "…" : joined;
  }
}
