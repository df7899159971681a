package org.tandemha.controller.storage;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.tandemha.actors.NodeGuardian;
import org.tandemha.controller.NodeConfig;
import org.tandemha.storage.Commands;
import org.tandemha.storage.Drbd;
import org.tandemha.storage.FloatingIp;
import org.tandemha.storage.HostStorage;
import org.tandemha.storage.TgtTarget;

/**
 * {@code tandem.storage} (issue #8): iSCSI-HA's DRBD_RESOURCES, DRBD_VIRTUAL_IP, DRBD_VIRTUAL_MASK, DRBD_INTERFACE
 * and the target definition. Empty {@code resources}: no replicated storage on this host. Every problem is a
 * {@link NodeConfig.Invalid} naming the key.
 */
public final class StorageConfig {
  private StorageConfig() {}

  /** A DRBD resource name; never one drbdadm could take for an option. */
  private static final String NAME = "[A-Za-z0-9][A-Za-z0-9_.+-]*";
  /** SCSI id/serial and IQN: no separators tgtadm's --params or argv could split on. */
  private static final String TOKEN = "[A-Za-z0-9][A-Za-z0-9_.:+-]*";

  public static Optional<NodeGuardian.Replicated> read(Config all) {
    try {
      Config s = all.getConfig("tandem.storage");
      String resources = s.getString("resources").strip();
      if (resources.isEmpty()) return Optional.empty();
      List<String> names = Arrays.stream(resources.split(":")).map(String::strip).toList();
      for (String n : names) {
        if (!n.matches(NAME)) throw new NodeConfig.Invalid("tandem.storage.resources: \"" + n + "\" is not a DRBD resource name");
      }
      if (names.size() != names.stream().distinct().count()) {
        throw new NodeConfig.Invalid("tandem.storage.resources lists a resource twice: " + resources);
      }
      Duration timeout = s.getDuration("command-timeout");
      Commands commands = new Commands(s.getStringList("exec-prefix"), java.util.Map.of(), timeout);
      String conf = s.getString("drbd-config").strip();
      if (!conf.isEmpty() && !Files.isRegularFile(Path.of(conf))) {
        throw new NodeConfig.Invalid("tandem.storage.drbd-config: " + conf + " is not a file");
      }
      Drbd drbd = new Drbd(commands, "drbdadm", conf.isEmpty() ? Optional.empty() : Optional.of(conf), version(s));
      FloatingIp ip;
      try {
        ip = new FloatingIp(commands, s.getString("floating-ip").strip(), mask(s.getString("mask")),
            s.getString("interface").strip());
      } catch (IllegalArgumentException e) {
        throw new NodeConfig.Invalid("tandem.storage (floating-ip, mask, interface): " + e.getMessage());
      }
      Config t = s.getConfig("target");
      List<TgtTarget.Target> targets = new ArrayList<>();
      for (Config tc : t.getConfigList("targets")) {
        List<TgtTarget.Lun> luns = new ArrayList<>();
        for (Config l : tc.getConfigList("luns")) {
          for (String k : java.util.List.of("scsi-id", "scsi-sn")) {
            if (!l.getString(k).matches(TOKEN)) {
              throw new NodeConfig.Invalid("tandem.storage.target.targets." + k + ": \"" + l.getString(k)
                  + "\" must be letters, digits and _.:+- (no commas or spaces)");
            }
          }
          if (!l.getString("device").startsWith("/")) {
            throw new NodeConfig.Invalid("tandem.storage.target.targets.luns.device must be an absolute path, got \""
                + l.getString("device") + "\"");
          }
          luns.add(new TgtTarget.Lun(l.getInt("lun"), l.getString("device"), l.getString("scsi-id"), l.getString("scsi-sn")));
        }
        if (!tc.getString("iqn").matches(TOKEN)) {
          throw new NodeConfig.Invalid("tandem.storage.target.targets.iqn: \"" + tc.getString("iqn") + "\" is not an IQN");
        }
        if (luns.isEmpty()) throw new NodeConfig.Invalid("tandem.storage.target.targets: " + tc.getString("iqn") + " has no LUN");
        targets.add(new TgtTarget.Target(tc.getInt("tid"), tc.getString("iqn"), luns,
            tc.hasPath("initiators") ? tc.getString("initiators") : "ALL"));
      }
      if (targets.isEmpty()) throw new NodeConfig.Invalid("tandem.storage.target.targets is empty: nothing to export");
      TgtTarget.Mode mode = switch (t.getString("mode")) {
        case "direct" -> TgtTarget.Mode.DIRECT;
        case "service" -> TgtTarget.Mode.SERVICE;
        default -> throw new NodeConfig.Invalid("tandem.storage.target.mode must be direct or service, got \""
            + t.getString("mode") + "\"");
      };
      String portal = t.getString("portal").strip();
      TgtTarget target = new TgtTarget(commands, mode, t.getInt("control-port"), t.getString("service"),
          portal.isEmpty() ? Optional.empty() : Optional.of(portal), targets,
          pidFile(t), t.getDuration("stop-within"));
      HostStorage storage = new HostStorage(drbd, names, target, ip, Path.of(s.getString("state-dir")).resolve("split-brain"));
      return Optional.of(new NodeGuardian.Replicated(storage, ip.address(), peers(s)));
    } catch (ConfigException e) {
      throw new NodeConfig.Invalid("tandem.storage: " + e.getMessage(), e);
    }
  }

  /** tandem.storage.peers: host UUIDs; empty = every other pool host. */
  private static java.util.Set<org.tandemha.protocol.HostId> peers(Config s) {
    java.util.Set<org.tandemha.protocol.HostId> peers = new java.util.LinkedHashSet<>();
    for (String p : s.getStringList("peers")) {
      String id = p.strip().toLowerCase(java.util.Locale.ROOT);
      if (!id.matches("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")) {
        throw new NodeConfig.Invalid("tandem.storage.peers: \"" + p + "\" is not a host UUID");
      }
      if (!peers.add(new org.tandemha.protocol.HostId(id))) {
        throw new NodeConfig.Invalid("tandem.storage.peers lists " + id + " twice");
      }
    }
    return peers;
  }

  /** tgtd's pid file: on the run-time file system, so a reboot never leaves a stale one naming another process. */
  private static Path pidFile(Config t) {
    String f = t.getString("pid-file").strip();
    if (!f.startsWith("/")) {
      throw new NodeConfig.Invalid("tandem.storage.target.pid-file must be an absolute path, got \"" + f + "\"");
    }
    return Path.of(f);
  }

  private static Drbd.Version version(Config s) {
    String v = s.getString("drbd-version").strip();
    return switch (v) {
      case "9" -> Drbd.Version.V9;
      case "8.4" -> Drbd.Version.V84;
      case "auto" -> {
        try {
          Path proc = Path.of("/proc/drbd");
          yield Drbd.detect(Files.exists(proc) ? Files.readAllLines(proc).stream().findFirst().orElse("") : "");
        } catch (java.io.IOException | RuntimeException e) {
          throw new NodeConfig.Invalid("tandem.storage.drbd-version = auto: /proc/drbd unreadable (" + e.getMessage()
              + "); set 9 or 8.4");
        }
      }
      default -> throw new NodeConfig.Invalid("tandem.storage.drbd-version must be auto, 9 or 8.4, got \"" + v + "\"");
    };
  }

  /** DRBD_VIRTUAL_MASK as iSCSI-HA takes it: dotted (255.255.255.0) or bits (24). */
  static int mask(String text) {
    String m = text.strip();
    if (m.matches("\\d{1,2}")) return Integer.parseInt(m);
    if (m.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      long bits = 0;
      for (String o : m.split("\\.")) {
        int v = Integer.parseInt(o);
        if (v > 255) throw new NodeConfig.Invalid("tandem.storage.mask: " + m + " is not a netmask");
        bits = bits << 8 | v;
      }
      int n = Long.bitCount(bits);
      if (bits != ((0xFFFFFFFFL << (32 - n)) & 0xFFFFFFFFL)) {
        throw new NodeConfig.Invalid("tandem.storage.mask: " + m + " is not a contiguous netmask");
      }
      return n;
    }
    throw new NodeConfig.Invalid("tandem.storage.mask: \"" + m + "\" is neither bits (24) nor dotted (255.255.255.0)");
  }
}
