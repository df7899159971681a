package org.tandemha.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tandemha.actors.port.StoragePort.StorageError;

/**
 * The iSCSI target (issue #8 item 3): {@code tgtd} started as a direct process (its own control port {@code -C},
 * so several can share a machine) or through the service manager, its targets and LUNs defined with
 * {@code tgtadm} from Tandem's configuration, each with a fixed SCSI identity so initiators see the same LUN after
 * a failover. tgtd ignores SIGTERM: a stop is the Debian tgt.service sequence (offline, delete targets, delete
 * system), escalated to SIGKILL when tgtd has not gone within its bound.
 */
public final class TgtTarget {
  /** One LUN: its number, backing device (e.g. /dev/drbd0) and SCSI identity. */
  public record Lun(int lun, String device, String scsiId, String scsiSn) {}

  /** One target: tid, IQN, LUNs; initiators allowed ({@code ALL} by default). */
  public record Target(int tid, String iqn, List<Lun> luns, String initiators) {
    public Target { luns = List.copyOf(luns); }
  }

  public enum Mode { DIRECT, SERVICE }

  private final Commands commands;
  private final Mode mode;
  private final int controlPort;
  private final String service;
  private final Optional<String> portal;
  private final List<Target> targets;
  private final Path pidFile;
  private final Duration stopWithin;
  private Process direct;

  /**
   * @param portal     the address tgtd listens on ({@code --iscsi portal=IP:3260}); empty: every address
   * @param pidFile    where a directly started tgtd's pid is kept (a restarted node finds and stops it)
   * @param stopWithin how long the graceful stop may take before SIGKILL
   */
  public TgtTarget(Commands commands, Mode mode, int controlPort, String service, Optional<String> portal,
                   List<Target> targets, Path pidFile, Duration stopWithin) {
    this.commands = commands;
    this.mode = mode;
    this.controlPort = controlPort;
    this.service = service;
    this.portal = portal;
    this.targets = List.copyOf(targets);
    this.pidFile = pidFile;
    this.stopWithin = stopWithin;
  }

  public String describe() {
    return "tgtd (" + (mode == Mode.DIRECT ? "control port " + controlPort : "service " + service) + ") "
        + String.join(", ", targets.stream().map(Target::iqn).toList());
  }

  private List<String> tgtadm(String... args) {
    List<String> c = new ArrayList<>(List.of("tgtadm", "-C", String.valueOf(controlPort)));
    c.addAll(List.of(args));
    return c;
  }

  /** tgtd answers on its control port and every configured target exists with every configured LUN. */
  public boolean running() {
    if (commands.run(tgtadm("--op", "show", "--mode", "sys")).exit() != 0) return false;
    String shown = commands.ok(tgtadm("--lld", "iscsi", "--op", "show", "--mode", "target"));
    return targets.stream().allMatch(t -> lunsShown(shown, t.iqn()).containsAll(t.luns().stream().map(Lun::lun).toList()));
  }

  /** Anything of the target is here: tgtd answers, or the process this host started is alive (hung or not). */
  public boolean present() {
    return commands.run(tgtadm("--op", "show", "--mode", "sys")).exit() == 0 || pid().filter(TgtTarget::isTgtd).isPresent();
  }

  /**
   * The LUN numbers {@code tgtadm --op show --mode target} lists for exactly this IQN ("Target 1: iqn…" matched
   * whole, so {@code …:disk1} is never taken for {@code …:disk10}); empty when the target is not there.
   */
  static java.util.Set<Integer> lunsShown(String shown, String iqn) {
    java.util.Set<Integer> luns = new java.util.HashSet<>();
    boolean inTarget = false;
    for (String line : shown.lines().toList()) {
      java.util.regex.Matcher t = java.util.regex.Pattern.compile("^Target \\d+: (\\S+)\\s*$").matcher(line);
      if (t.matches()) {
        inTarget = t.group(1).equals(iqn);
        continue;
      }
      java.util.regex.Matcher l = java.util.regex.Pattern.compile("^\\s+LUN: (\\d+)\\s*$").matcher(line);
      if (inTarget && l.matches()) luns.add(Integer.parseInt(l.group(1)));
    }
    return luns;
  }

  /** Starts tgtd if it is not answering, then defines every target that is missing; idempotent. */
  public void start() {
    if (commands.run(tgtadm("--op", "show", "--mode", "sys")).exit() != 0) {
      launch();
      awaitControl();
    }
    String shown = commands.ok(tgtadm("--lld", "iscsi", "--op", "show", "--mode", "target"));
    for (Target t : targets) {
      java.util.Set<Integer> have = lunsShown(shown, t.iqn());
      if (have.containsAll(t.luns().stream().map(Lun::lun).toList())) continue;
      if (!have.isEmpty() || shown.lines().anyMatch(l -> l.matches("^Target " + t.tid() + ": .*"))) {
        // Half there (a LUN missing, or the tid taken): defined again from nothing.
        commands.run(tgtadm("--lld", "iscsi", "--op", "delete", "--mode", "target", "--tid", String.valueOf(t.tid()),
            "--force"));
      }
      commands.ok(tgtadm("--lld", "iscsi", "--op", "new", "--mode", "target", "--tid", String.valueOf(t.tid()), "-T",
          t.iqn()));
      for (Lun l : t.luns()) {
        commands.ok(tgtadm("--lld", "iscsi", "--op", "new", "--mode", "logicalunit", "--tid", String.valueOf(t.tid()),
            "--lun", String.valueOf(l.lun()), "-b", l.device()));
        commands.ok(tgtadm("--lld", "iscsi", "--op", "update", "--mode", "logicalunit", "--tid",
            String.valueOf(t.tid()), "--lun", String.valueOf(l.lun()), "--params",
            "scsi_id=" + l.scsiId() + ",scsi_sn=" + l.scsiSn()));
      }
      commands.ok(tgtadm("--lld", "iscsi", "--op", "bind", "--mode", "target", "--tid", String.valueOf(t.tid()), "-I",
          t.initiators()));
    }
  }

  private void launch() {
    if (mode == Mode.SERVICE) {
      commands.ok(List.of("systemctl", "start", service));
      return;
    }
    List<String> argv = new ArrayList<>(List.of("tgtd", "-f", "-C", String.valueOf(controlPort)));
    portal.ifPresent(p -> argv.addAll(List.of("--iscsi", "portal=" + p + ":3260")));
    try {
      ProcessBuilder pb = new ProcessBuilder(commands.argv(argv)).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.environment().putAll(commands.env());
      direct = pb.start();
      Files.createDirectories(pidFile.getParent());
      Files.writeString(pidFile, String.valueOf(direct.pid()));   // ip netns exec execs tgtd in place: same pid
    } catch (IOException e) {
      throw new StorageError("cannot start tgtd: " + e.getMessage());
    }
  }

  private void awaitControl() {
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < end) {
      if (commands.run(tgtadm("--op", "show", "--mode", "sys")).exit() == 0) return;
      if (direct != null && !direct.isAlive()) throw new StorageError("tgtd exited at once (exit " + direct.exitValue() + ")");
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        abandonStart();
        throw new StorageError("interrupted while starting tgtd");
      }
    }
    abandonStart();
    throw new StorageError("tgtd did not answer on control port " + controlPort + " within 5 s (killed)");
  }

  /** A tgtd that never answered is not left behind. */
  private void abandonStart() {
    if (direct != null) {
      direct.destroyForcibly();
      direct = null;
    }
  }

  /** The graceful sequence, then SIGKILL when tgtd is still there after {@code stopWithin}; idempotent. */
  public void stop() {
    Optional<Long> pid = pid();
    if (commands.run(tgtadm("--op", "show", "--mode", "sys")).exit() == 0) {
      commands.run(tgtadm("--op", "update", "--mode", "sys", "--name", "State", "-v", "offline"));
      for (Target t : targets) {
        commands.run(tgtadm("--lld", "iscsi", "--op", "delete", "--mode", "target", "--tid", String.valueOf(t.tid()),
            "--force"));
      }
      if (mode == Mode.SERVICE) {
        commands.run(List.of("systemctl", "stop", service));
      } else {
        commands.run(tgtadm("--op", "delete", "--mode", "system"));
      }
    }
    if (pid.isEmpty() || !isTgtd(pid.get())) return;   // a stale pid file may name another process by now
    long end = System.nanoTime() + stopWithin.toNanos();
    while (alive(pid.get()) && System.nanoTime() < end) sleep(20);
    if (alive(pid.get())) {
      ProcessHandle.of(pid.get()).ifPresent(ProcessHandle::destroyForcibly);   // SIGKILL: tgtd ignores SIGTERM
      long killEnd = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (alive(pid.get()) && System.nanoTime() < killEnd) sleep(20);
      if (alive(pid.get())) throw new StorageError("tgtd (pid " + pid.get() + ") survived SIGKILL");
    }
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException ignored) {
      // a stale pid file names a dead process: harmless, replaced at the next start
    }
    direct = null;
  }

  private Optional<Long> pid() {
    if (direct != null) return Optional.of(direct.pid());
    try {
      return Files.exists(pidFile) ? Optional.of(Long.parseLong(Files.readString(pidFile).strip())) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The process is alive and is a tgtd (checked before any signal: a pid from a file may have been reused). */
  static boolean isTgtd(long pid) {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .flatMap(p -> p.info().command()).map(c -> c.endsWith("/tgtd") || c.equals("tgtd")).orElse(false);
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
