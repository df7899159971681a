package org.tandemha.actors.port;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of a port adapter's command (a fence agent, drbdadm, tgtadm, ip, arping), never through a shell: argv as
 * given, {@code stdin} written then closed, output collected (bounded), and the process with its children killed
 * when it has not finished by {@code timeout}. Shared by the adapters of every port, so each bounds its processes
 * the same way.
 */
public final class BoundedRun {
  private BoundedRun() {}

  /**
   * The exit code (-1: did not finish in time, or could not start) and what the command said: {@code output} is
   * stdout (with stderr merged in, unless kept apart in {@code errors}).
   */
  public record Result(int exit, String output, String errors) {
    public Result(int exit, String output) { this(exit, output, ""); }

    public String describe() {
      String said = output.strip();
      if (said.length() > 300) said = said.substring(0, 300) + "…";
      return (exit < 0 ? "did not finish" : "exit " + exit) + (said.isEmpty() ? "" : ": " + said.replace('\n', ' '));
    }
  }

  /** stdout and stderr together, as an operator would read them. */
  public static Result run(List<String> argv, Map<String, String> env, String stdin, Duration timeout) {
    return run(argv, env, stdin, timeout, true);
  }

  /** @param merge false: stderr kept apart in {@link Result#errors} (for output that is parsed, e.g. drbdadm's) */
  public static Result run(List<String> argv, Map<String, String> env, String stdin, Duration timeout, boolean merge) {
    Process p;
    try {
      ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(merge);
      pb.environment().putAll(env);
      p = pb.start();
    } catch (IOException e) {
      return new Result(-1, "cannot start " + argv.get(0) + ": " + e.getMessage());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> copyBounded(p.getInputStream(), out), "bounded-run-output");
    reader.setDaemon(true);
    reader.start();
    Thread errReader = new Thread(() -> copyBounded(p.getErrorStream(), err), "bounded-run-errors");
    errReader.setDaemon(true);
    if (!merge) errReader.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // The command exited before reading its input: its exit code and output say why.
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        reader.join(1000);
        return new Result(-1, "no result within " + timeout.toMillis() + " ms; killed. " + text(out), text(err));
      }
      reader.join(2000);
      if (!merge) errReader.join(2000);
      return new Result(p.exitValue(), text(out), text(err));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return new Result(-1, "interrupted");
    }
  }

  private static void copyBounded(InputStream in, ByteArrayOutputStream out) {
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) > 0; ) {
        synchronized (out) {
          if (out.size() < 64 * 1024) out.write(buf, 0, n);
        }
      }
    } catch (IOException ignored) {
      // the command was killed
    }
  }

  private static String text(ByteArrayOutputStream out) {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
