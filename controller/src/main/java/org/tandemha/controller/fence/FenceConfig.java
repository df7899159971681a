package org.tandemha.controller.fence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tandemha.controller.NodeConfig;
import java.util.Optional;
import org.tandemha.actors.port.FencePort;
import org.tandemha.fencing.FenceAgentsPort;
import org.tandemha.fencing.FenceRoute;
import org.tandemha.fencing.HaLizardMethods;
import org.tandemha.fencing.HaLizardScriptPort;
import org.tandemha.fencing.PoolFence;
import org.tandemha.protocol.HostId;

/**
 * The fence devices of the pool's hosts (issue #7 items 1 and 5), from {@code tandem.fence}:
 * <pre>
 * tandem.fence {
 *   agent-timeout = 30s
 *   hosts {
 *     "3f9a2c1e-…" = [   # fence levels, tried in order
 *       { agent = "fence_ipmilan", options { ip = "10.0.0.5", username = "admin", lanplus = "1" },
 *         password-file = "/etc/tandem/secrets/xs1-ipmi" }
 *       { agent = "fence_apc", options { ip = "10.0.0.9", plug = "3", username = "apc" },
 *         password-file = "/etc/tandem/secrets/pdu" }
 *     ]
 *   }
 * }
 * </pre>
 * HA-Lizard's FENCE_METHOD keeps working (items 2-4): {@code method = ILO | IRMC | XVM} maps each host of
 * {@code <file-loc>/<METHOD>/<METHOD>.hosts} onto a fence agent ({@link HaLizardMethods}); any other name but POOL is
 * the user's script {@code <file-loc>/<METHOD>/<METHOD>.sh}, for every host not listed in {@code hosts}; POOL loads
 * but powers nothing off ({@link PoolFence}). A host listed in {@code hosts} always uses its own levels.
 * Passwords only in files of mode 0600 (readable by the owner alone), never in the configuration; the agent must be
 * installed. Every problem is a {@link NodeConfig.Invalid} naming the key.
 */
public final class FenceConfig {
  private FenceConfig() {}

  private static final String UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

  /**
   * The configured fencing: fence-agent levels per host (from {@code hosts} and an ILO/IRMC/XVM method), the
   * HA-Lizard method for every other host (a script, or POOL), and the bound of each agent run.
   *
   * @param method FENCE_METHOD as configured, empty when only {@code hosts} is used
   */
  public record Devices(Map<HostId, List<FenceAgentsPort.Device>> levels, Optional<String> method,
                        Optional<FencePort> otherHosts, Duration agentTimeout) {
    public Devices(Map<HostId, List<FenceAgentsPort.Device>> levels, Duration agentTimeout) {
      this(levels, Optional.empty(), Optional.empty(), agentTimeout);
    }

    public boolean none() { return levels.isEmpty() && otherHosts.isEmpty(); }

    /** Nothing configured can power a host off: only POOL. */
    public boolean poolOnly() { return levels.isEmpty() && otherHosts.map(p -> p instanceof PoolFence).orElse(false); }

    public FenceRoute port() {
      return new FenceRoute(new FenceAgentsPort(levels, agentTimeout), levels.keySet(), otherHosts);
    }
  }

  public static Devices read(Config all) {
    try {
      Config f = all.getConfig("tandem.fence");
      Duration timeout = f.getDuration("agent-timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new NodeConfig.Invalid("tandem.fence.agent-timeout must be a positive duration, got " + timeout);
      }
      Map<HostId, List<FenceAgentsPort.Device>> levels = new LinkedHashMap<>();
      String method = f.hasPath("method") ? f.getString("method").strip() : "";
      Optional<FencePort> otherHosts = Optional.empty();
      if (!method.isEmpty()) {
        Path loc = Path.of(text(f, "file-loc", "/etc/ha-lizard/fence"));
        String upper = method.toUpperCase(java.util.Locale.ROOT);
        Optional<String> password = text(f, "password-file", "").isBlank() ? Optional.empty()
            : Optional.of(secret("tandem.fence.password-file", Path.of(text(f, "password-file", ""))));
        Optional<String> user = text(f, "username", "").isBlank() ? Optional.empty()
            : Optional.of(text(f, "username", "").strip());
        String ip = text(f, "ipaddress", "").strip();
        if (upper.equals(PoolFence.NAME)) {
          otherHosts = Optional.of(new PoolFence());
        } else if (upper.equals(HaLizardMethods.DRAC)) {
          throw new NodeConfig.Invalid("tandem.fence.method = DRAC was never supported by HA-Lizard; configure "
              + "fence_idrac for each host in tandem.fence.hosts");
        } else if (HaLizardMethods.BUILT_IN.contains(upper)) {
          Map<String, String> extra = new LinkedHashMap<>();
          if (f.hasPath("method-options")) {
            f.getObject("method-options").forEach((k, v) -> extra.put(k, option("tandem.fence.method-options", k, v)));
          }
          try {
            HaLizardMethods.devices(new HaLizardMethods.Settings(loc, upper, user, password, ip, extra)).forEach((h, l) -> {
              String key = "tandem.fence.method = " + upper + " (" + HaLizardMethods.hostsFile(loc, upper) + ")";
              for (FenceAgentsPort.Device d : l) installed(key, d.agent());
              levels.put(h, l);
            });
          } catch (org.tandemha.fencing.HostsFile.Invalid | IllegalArgumentException e) {
            throw new NodeConfig.Invalid("tandem.fence.method = " + upper + ": " + e.getMessage());
          }
        } else {
          Map<String, String> env = new LinkedHashMap<>();
          env.put("FENCE_IPADDRESS", ip);
          password.ifPresent(pw -> env.put("FENCE_PASSWD", pw));
          HaLizardScriptPort script;
          try {
            script = new HaLizardScriptPort(loc, method, timeout, env);
          } catch (IllegalArgumentException e) {
            throw new NodeConfig.Invalid("tandem.fence.method: " + e.getMessage());
          }
          if (!script.installed()) {
            throw new NodeConfig.Invalid("tandem.fence.method = " + method + ": no executable agent "
                + loc.resolve(method).resolve(method + ".sh") + " (FENCE_FILE_LOC is tandem.fence.file-loc)");
          }
          if (Files.exists(script.hostsFile())) {
            try {
              org.tandemha.fencing.HostsFile.read(script.hostsFile());
            } catch (org.tandemha.fencing.HostsFile.Invalid e) {
              throw new NodeConfig.Invalid("tandem.fence.method = " + method + ": " + e.getMessage());
            }
          }
          otherHosts = Optional.of(script);
        }
      }
      ConfigObject hosts = f.getObject("hosts");
      for (Map.Entry<String, ConfigValue> h : hosts.entrySet()) {
        String key = "tandem.fence.hosts.\"" + h.getKey() + "\"";
        if (!h.getKey().matches(UUID)) {
          throw new NodeConfig.Invalid(key + ": not a host UUID (see `xe host-list params=uuid,name-label`)");
        }
        if (h.getValue().valueType() != ConfigValueType.LIST) {
          throw new NodeConfig.Invalid(key + " must be a list of fence devices (levels, tried in order)");
        }
        List<? extends Config> devices = hosts.toConfig().getConfigList("\"" + h.getKey() + "\"");
        if (devices.isEmpty()) throw new NodeConfig.Invalid(key + " lists no fence device");
        List<FenceAgentsPort.Device> list = new java.util.ArrayList<>();
        for (int i = 0; i < devices.size(); i++) list.add(device(key + "[" + i + "]", devices.get(i)));
        levels.put(new HostId(h.getKey().toLowerCase(java.util.Locale.ROOT)), List.copyOf(list));
      }
      return new Devices(Map.copyOf(levels), method.isEmpty() ? Optional.empty() : Optional.of(method), otherHosts,
          timeout);
    } catch (ConfigException e) {
      throw new NodeConfig.Invalid("tandem.fence: " + e.getMessage(), e);
    }
  }

  private static FenceAgentsPort.Device device(String key, Config d) {
    if (!d.hasPath("agent") || d.getString("agent").isBlank()) {
      throw new NodeConfig.Invalid(key + ".agent is missing (e.g. fence_ipmilan, fence_ilo4, fence_apc)");
    }
    String agent = d.getString("agent").trim();
    installed(key + ".agent", agent);
    Map<String, String> options = new LinkedHashMap<>();
    if (d.hasPath("options")) {
      for (Map.Entry<String, ConfigValue> o : d.getObject("options").entrySet()) {
        options.put(o.getKey(), option(key + ".options", o.getKey(), o.getValue()));
      }
    }
    if (d.hasPath("password-file")) options.put("password", secret(key + ".password-file", Path.of(d.getString("password-file"))));
    try {
      return new FenceAgentsPort.Device(agent, options);
    } catch (IllegalArgumentException e) {
      throw new NodeConfig.Invalid(key + ": " + e.getMessage());
    }
  }

  /**
   * The self-fence watchdog of {@code tandem.watchdog} (issue #7 item 6): none when {@code device} is empty.
   */
  public static Optional<org.tandemha.actors.port.SelfFence.Watchdog> watchdog(Config all) {
    try {
      Config w = all.getConfig("tandem.watchdog");
      String device = w.getString("device").strip();
      if (device.isEmpty()) return Optional.empty();
      return Optional.of(org.tandemha.controller.host.DeviceWatchdog.checked(Path.of(device), w.getDuration("timeout"),
          Path.of("/sys/class/watchdog"), w.hasPath("trust-timeout") && w.getBoolean("trust-timeout")));
    } catch (ConfigException e) {
      throw new NodeConfig.Invalid("tandem.watchdog: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new NodeConfig.Invalid("tandem.watchdog.device: " + e.getMessage(), e);
    }
  }

  private static String text(Config f, String key, String fallback) {
    return f.hasPath(key) ? f.getString(key) : fallback;
  }

  private static void installed(String key, String agent) {
    Path exe = Path.of(org.tandemha.fencing.FenceAgentsPort.executable(agent));
    if (!exe.isAbsolute() || !Files.isExecutable(exe)) {
      throw new NodeConfig.Invalid(key + ": " + agent + " is not installed (install the fence-agents package, "
          + "or give the agent's full path)");
    }
  }

  /** One agent option: a single value without newline; never the action, never a password. */
  private static String option(String key, String name, ConfigValue value) {
    if (name.equals("action")) throw new NodeConfig.Invalid(key + ".action: the action is Tandem's to set");
    if (name.equals("password") || name.equals("passwd")) {
      throw new NodeConfig.Invalid(key + "." + name + ": no passwords in the configuration; put it in a "
          + "file of mode 0600 and name it in the password-file key beside it");
    }
    Object v = value.unwrapped();
    if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
      throw new NodeConfig.Invalid(key + "." + name + " must be a single value");
    }
    String s = String.valueOf(v instanceof Boolean b ? (b ? "1" : "0") : v);
    if (s.contains("\n")) throw new NodeConfig.Invalid(key + "." + name + " must not contain a newline");
    return s;
  }

  static String secret(String key, Path file) {
    return NodeConfig.secret(key, file);
  }

}
