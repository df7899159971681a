package org.tandemha.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tandemha.actors.port.StoragePort.StorageError;

/**
 * DRBD through {@code drbdadm} (issue #8 item 2): each resource read on its own, in the output format of its
 * version — DRBD 9's {@code status}, DRBD 8.4's {@code role}/{@code cstate}/{@code dstate} — and promoted or
 * demoted with {@code primary}/{@code secondary} (never {@code --force}: DRBD's own refusal to promote an Outdated
 * disk or beside a Primary peer stands).
 */
public final class Drbd {
  public enum Version { V9, V84 }

  private final Commands commands;
  private final String drbdadm;
  private final Optional<String> config;
  private final Version version;

  /** @param config a configuration file other than drbdadm's default {@code /etc/drbd.conf} */
  public Drbd(Commands commands, String drbdadm, Optional<String> config, Version version) {
    this.commands = commands;
    this.drbdadm = drbdadm;
    this.config = config;
    this.version = version;
  }

  public Version version() { return version; }

  /** The drbdadm command line for one action on one resource (also what {@code -d} dry runs validate). */
  public List<String> command(String action, String resource, boolean dryRun) {
    return command(List.of(action), resource, dryRun);
  }

  /** @param action the command and its options, e.g. {@code connect --discard-my-data} */
  public List<String> command(List<String> action, String resource, boolean dryRun) {
    List<String> c = new ArrayList<>(List.of(drbdadm));
    if (dryRun) c.add("-d");
    config.ifPresent(f -> {
      c.add("-c");
      c.add(f);
    });
    c.addAll(action);
    c.add(resource);
    return c;
  }

  /** The split-brain survivor: connect, and let the victim resynchronise from here. */
  public void resolveAsSurvivor(String resource) {
    commands.ok(command("connect", resource, false));
  }

  /** The split-brain victim: its changes since the split are discarded; disconnect may fail when StandAlone already. */
  public void resolveAsVictim(String resource) {
    commands.run(command("disconnect", resource, false));
    commands.ok(command("secondary", resource, false));
    commands.ok(command(List.of("connect", "--discard-my-data"), resource, false));
  }

  public DrbdStatus status(String resource) {
    if (version == Version.V9) return DrbdStatus.parse9(resource, commands.ok(command("status", resource, false)));
    return DrbdStatus.parse84(resource, commands.ok(command("role", resource, false)),
        commands.ok(command("cstate", resource, false)), commands.ok(command("dstate", resource, false)));
  }

  public void primary(String resource) {
    commands.ok(command("primary", resource, false));
  }

  public void secondary(String resource) {
    commands.ok(command("secondary", resource, false));
  }

  /** DRBD's kernel version from {@code /proc/drbd}'s first line ({@code version: 8.4.11 …}); 9 when unreadable. */
  public static Version detect(String procDrbdFirstLine) {
    String s = procDrbdFirstLine == null ? "" : procDrbdFirstLine.strip();
    if (s.startsWith("version: 8.")) return Version.V84;
    if (s.startsWith("version: ") || s.isEmpty()) return Version.V9;
    throw new StorageError("/proc/drbd: unreadable version line \"" + s + "\"");
  }
}
