package org.tandemha.fencing;

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
 * One run of a fence agent, never through a shell: argv as given, {@code stdin} written then closed, stdout and
 * stderr collected (bounded), and the process with its children killed when it has not finished by {@code timeout}.
 */
final class BoundedRun {
  private BoundedRun() {}

  /** The exit code (-1: did not finish in time, or could not start) and what the agent said. */
  record Result(int exit, String output) {
    String describe() {
      String said = output.strip();
      if (said.length() > 300) said = said.substring(0, 300) + "…";
      return (exit < 0 ? "did not finish" : "exit " + exit) + (said.isEmpty() ? "" : ": " + said.replace('\n', ' '));
    }
  }

  static Result run(List<String> argv, Map<String, String> env, String stdin, Duration timeout) {
    Process p;
    try {
      ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
      pb.environment().putAll(env);
      p = pb.start();
    } catch (IOException e) {
      return new Result(-1, "cannot start " + argv.get(0) + ": " + e.getMessage());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> copyBounded(p.getInputStream(), out), "fence-agent-output");
    reader.setDaemon(true);
    reader.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // The agent exited before reading its input: its exit code and output say why.
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        reader.join(1000);
        return new Result(-1, "no result within " + timeout.toMillis() + " ms; killed. " + text(out));
      }
      reader.join(2000);
      return new Result(p.exitValue(), text(out));
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
      // the agent was killed
    }
  }

  private static String text(ByteArrayOutputStream out) {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
