package org.tandemha.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tandemha.actors.port.StoragePort;

/**
 * {@link StoragePort} on a real host: the configured DRBD resources (DRBD_RESOURCES, in order), the tgtd target and
 * the floating IP. A split brain is what DRBD's {@code split-brain} handler recorded — Tandem's handler
 * ({@code ops/drbd-split-brain-handler}, configured in the resource's {@code handlers} section) writes
 * {@code <split-brain-dir>/<resource>}; {@code tandem storage split-brain resolve} removes it after the recovery.
 */
public final class HostStorage implements StoragePort {
  private final Drbd drbd;
  private final List<String> resources;
  private final TgtTarget target;
  private final FloatingIp ip;
  private final Path splitBrainDir;

  public HostStorage(Drbd drbd, List<String> resources, TgtTarget target, FloatingIp ip, Path splitBrainDir) {
    if (resources.isEmpty()) throw new IllegalArgumentException("no DRBD resource configured");
    this.drbd = drbd;
    this.resources = List.copyOf(resources);
    this.target = target;
    this.ip = ip;
    this.splitBrainDir = splitBrainDir;
  }

  @Override public String describe() {
    return "DRBD " + String.join(":", resources) + " (" + (drbd.version() == Drbd.Version.V9 ? "9" : "8.4") + "), "
        + target.describe() + ", " + ip.describe();
  }

  @Override public Observed observe() {
    List<Resource> out = new ArrayList<>();
    for (String r : resources) {
      DrbdStatus s;
      try {
        s = drbd.status(r);
      } catch (DrbdRole.Unreadable e) {
        throw new StorageError(e.getMessage());
      }
      // Every peer counts (DRBD 9 may have several): connected only if all are, Primary if any is, Secondary
      // only if all are; a StandAlone peer is a split brain until an operator resolves it.
      String connection = s.peers().isEmpty() ? "None" : s.connected() ? "Connected"
          : s.peers().stream().map(DrbdStatus.Peer::connection).filter(c -> !c.equals("Connected")).findFirst().orElse("Unknown");
      String peerRole = s.peerPrimary() ? "Primary" : !s.peers().isEmpty()
          && s.peers().stream().allMatch(p -> p.role() == DrbdRole.Role.SECONDARY) ? "Secondary" : "Unknown";
      List<String> peerDisks = s.peers().stream().flatMap(p -> p.disks().stream()).toList();
      out.add(new Resource(r, word(s.role()), s.disks(), connection, peerRole, peerDisks,
          Files.exists(splitBrainDir.resolve(r)) || s.standAlone()));
    }
    boolean running = target.running();
    return new Observed(out, running, running || target.present(), ip.local());
  }

  private static String word(DrbdRole.Role r) {
    String n = r.name().toLowerCase(java.util.Locale.ROOT);
    return Character.toUpperCase(n.charAt(0)) + n.substring(1);
  }

  @Override public boolean floatingIpAnswersElsewhere() { return ip.answersElsewhere(); }

  @Override public void promote(String resource) { drbd.primary(resource); }

  @Override public void demote(String resource) { drbd.secondary(resource); }

  @Override public void startTarget() { target.start(); }

  @Override public void stopTarget() { target.stop(); }

  @Override public void addFloatingIp() { ip.add(); }

  @Override public void removeFloatingIp() { ip.remove(); }

  @Override public void resolveSplitBrain(String resource, boolean survivor) {
    if (!resources.contains(resource)) throw new StorageError(resource + " is not a configured DRBD resource");
    if (survivor) drbd.resolveAsSurvivor(resource);
    else drbd.resolveAsVictim(resource);
    try {
      Files.deleteIfExists(splitBrainDir.resolve(resource));
    } catch (java.io.IOException e) {
      throw new StorageError("split brain of " + resource + " resolved in DRBD, but its record "
          + splitBrainDir.resolve(resource) + " could not be removed: " + e.getMessage());
    }
  }
}
