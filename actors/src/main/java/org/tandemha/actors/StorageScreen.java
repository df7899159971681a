package org.tandemha.actors;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tandemha.actors.decide.StorageReconcile;
import org.tandemha.actors.port.StoragePort;

/**
 * {@code tandem storage status} (issue #8 item 6): the fields of iSCSI-HA's status screen — host role, each
 * resource's role / connection / disk state, target, floating IP, expected against actual, last change and its age —
 * and a stale warning when the node has not read its storage within the tolerance.
 */
public final class StorageScreen {
  private StorageScreen() {}

  /** Read every second: three missed reads and a margin. */
  public static final Duration TOLERANCE = Duration.ofSeconds(5);

  /** One line for {@code tandem status}: e.g. {@code primary (expected primary), IP here, target running}. */
  public static String summary(StorageRoleActor.Status s, Instant now) {
    if (s.observed().isEmpty()) return "not read yet" + (s.lastError().isEmpty() ? "" : ": " + s.lastError());
    StoragePort.Observed o = s.observed().get();
    boolean primary = o.resources().stream().allMatch(StoragePort.Resource::primary) && !o.resources().isEmpty();
    boolean secondary = o.resources().stream().noneMatch(StoragePort.Resource::primary);
    String role = primary ? "primary" : secondary ? "secondary" : "MIXED";
    String expected = s.desired().map(r -> r.name().toLowerCase(Locale.ROOT)).orElse("held");
    StringBuilder b = new StringBuilder(role).append(" (expected ").append(expected).append(")")
        .append(", target ").append(o.targetRunning() ? "running" : "stopped")
        .append(", floating IP ").append(o.ipLocal() ? "here" : "not here");
    s.manual().ifPresent(m -> b.append(", MANUAL mode (").append(m.toLowerCase(Locale.ROOT)).append(")"));
    if (o.resources().stream().anyMatch(StoragePort.Resource::splitBrain)) b.append(", SPLIT BRAIN");
    if (!s.blocked().isEmpty()) b.append(", held back: ").append(s.blocked());
    if (!s.lastError().isEmpty()) b.append(", last error: ").append(s.lastError());
    if (s.observedAt().filter(t -> t.plus(TOLERANCE).isBefore(now)).isPresent()) b.append(", STALE");
    return b.toString();
  }

  public static List<String> lines(StorageRoleActor.Status s, Instant now) {
    List<String> out = new ArrayList<>();
    String expected = s.desired().map(r -> r.name().toLowerCase(Locale.ROOT)).orElse("held (manual mode)");
    out.add("storage of host " + s.host().uuid() + ": " + s.storage());
    out.add("mode: " + s.manual().map(m -> "MANUAL (" + m.toLowerCase(Locale.ROOT) + ")").orElse("automatic (follows the pool master)")
        + "; expected role: " + expected + "; peer: " + s.peer().name().toLowerCase(Locale.ROOT).replace('_', ' '));
    boolean primary = s.desired().filter(r -> r == StorageReconcile.Role.PRIMARY).isPresent();
    s.observed().ifPresentOrElse(o -> {
      for (StoragePort.Resource r : o.resources()) {
        out.add(String.format("DRBD %-12s role %-9s disk %-12s connection %-12s peer %s/%s%s%s", r.name(), r.role(),
            String.join(",", r.disks()), r.connection(), r.peerRole(), r.peerDisks().isEmpty() ? "DUnknown"
                : String.join(",", r.peerDisks()), s.desired().isPresent() ? "  [expected " + (primary ? "Primary" : "Secondary") + "]" : "",
            r.splitBrain() ? "  SPLIT BRAIN recorded" : ""));
      }
      out.add("iSCSI target: " + (o.targetRunning() ? "Running" : "Stopped")
          + (s.desired().isPresent() ? " [expected " + (primary ? "running" : "stopped") + "]" : ""));
      out.add("floating IP: " + (o.ipLocal() ? "here" : "not here")
          + (s.desired().isPresent() ? " [expected " + (primary ? "here" : "not here") + "]" : ""));
    }, () -> out.add("storage state: not read yet"));
    out.add("last change: " + s.lastStep() + s.lastStepAt().map(t -> ", " + age(t, now) + " ago").orElse(""));
    if (!s.blocked().isEmpty()) out.add("HELD BACK: " + s.blocked());
    if (!s.lastError().isEmpty()) out.add("LAST ERROR: " + s.lastError());
    s.observedAt().ifPresent(t -> {
      if (Duration.between(t, now).compareTo(TOLERANCE) > 0) {
        out.add("WARNING: this status is " + age(t, now) + " old (tolerance " + TOLERANCE.toSeconds() + " s): the node "
            + "is busy with a slow storage command, or it is not working — check `tandem events` and its log");
      }
    });
    return out;
  }

  public static Map<String, Object> data(StorageRoleActor.Status s, Instant now) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("host", s.host().uuid());
    d.put("storage", s.storage());
    d.put("manual", s.manual().map(m -> m.toLowerCase(Locale.ROOT)).orElse(null));
    d.put("expected", s.desired().map(r -> r.name().toLowerCase(Locale.ROOT)).orElse(null));
    d.put("peer", s.peer().name().toLowerCase(Locale.ROOT));
    s.observed().ifPresent(o -> {
      List<Map<String, Object>> rs = new ArrayList<>();
      for (StoragePort.Resource r : o.resources()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("role", r.role());
        m.put("disks", r.disks());
        m.put("connection", r.connection());
        m.put("peerRole", r.peerRole());
        m.put("peerDisks", r.peerDisks());
        m.put("splitBrain", r.splitBrain());
        rs.add(m);
      }
      d.put("resources", rs);
      d.put("targetRunning", o.targetRunning());
      d.put("floatingIpHere", o.ipLocal());
    });
    d.put("lastChange", s.lastStep());
    d.put("lastChangeAt", s.lastStepAt().map(Instant::toString).orElse(null));
    d.put("heldBack", s.blocked());
    d.put("lastError", s.lastError());
    d.put("observedAt", s.observedAt().map(Instant::toString).orElse(null));
    d.put("stale", s.observedAt().map(t -> Duration.between(t, now).compareTo(TOLERANCE) > 0).orElse(true));
    return d;
  }

  private static String age(Instant t, Instant now) {
    long ms = Math.max(0, Duration.between(t, now).toMillis());
    return ms < 10_000 ? String.format(Locale.ROOT, "%.1f s", ms / 1000.0) : (ms / 1000) + " s";
  }
}
