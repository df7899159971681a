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
import org.tandemha.fencing.FenceAgentsPort;
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
 * Passwords only in files of mode 0600 (readable by the owner alone), never in the configuration; the agent must be
 * installed. Every problem is a {@link NodeConfig.Invalid} naming the key.
 */
public final class FenceConfig {
  private FenceConfig() {}

  private static final String UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

  /** The configured devices per host (empty when none is configured) and the bound of each agent run. */
  public record Devices(Map<HostId, List<FenceAgentsPort.Device>> levels, Duration agentTimeout) {
    public boolean none() { return levels.isEmpty(); }

    public FenceAgentsPort port() { return new FenceAgentsPort(levels, agentTimeout); }
  }

  public static Devices read(Config all) {
    try {
      Config f = all.getConfig("tandem.fence");
      Duration timeout = f.getDuration("agent-timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new NodeConfig.Invalid("tandem.fence.agent-timeout must be a positive duration, got " + timeout);
      }
      Map<HostId, List<FenceAgentsPort.Device>> levels = new LinkedHashMap<>();
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
      return new Devices(Map.copyOf(levels), timeout);
    } catch (ConfigException e) {
      throw new NodeConfig.Invalid("tandem.fence: " + e.getMessage(), e);
    }
  }

  private static FenceAgentsPort.Device device(String key, Config d) {
    if (!d.hasPath("agent") || d.getString("agent").isBlank()) {
      throw new NodeConfig.Invalid(key + ".agent is missing (e.g. fence_ipmilan, fence_ilo4, fence_apc)");
    }
    String agent = d.getString("agent").trim();
    Path exe = Path.of(org.tandemha.fencing.FenceAgentsPort.executable(agent));
    if (!exe.isAbsolute() || !Files.isExecutable(exe)) {
      throw new NodeConfig.Invalid(key + ".agent " + agent + " is not installed (install the fence-agents package, "
          + "or give the agent's full path)");
    }
    Map<String, String> options = new LinkedHashMap<>();
    if (d.hasPath("options")) {
      for (Map.Entry<String, ConfigValue> o : d.getObject("options").entrySet()) {
        String name = o.getKey();
        if (name.equals("action")) throw new NodeConfig.Invalid(key + ".options.action: the action is Tandem's to set");
        if (name.equals("password") || name.equals("passwd")) {
          throw new NodeConfig.Invalid(key + ".options." + name + ": no passwords in the configuration; put it in a "
              + "file of mode 0600 and name it in " + key + ".password-file");
        }
        Object v = o.getValue().unwrapped();
        if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
          throw new NodeConfig.Invalid(key + ".options." + name + " must be a single value");
        }
        String s = String.valueOf(v instanceof Boolean b ? (b ? "1" : "0") : v);
        if (s.contains("\n")) throw new NodeConfig.Invalid(key + ".options." + name + " must not contain a newline");
        options.put(name, s);
      }
    }
    if (d.hasPath("password-file")) options.put("password", secret(key + ".password-file", Path.of(d.getString("password-file"))));
    try {
      return new FenceAgentsPort.Device(agent, options);
    } catch (IllegalArgumentException e) {
      throw new NodeConfig.Invalid(key + ": " + e.getMessage());
    }
  }

  /** A secret's file: a regular file readable by its owner alone (0600 or 0400); its first line is the secret. */
  static String secret(String key, Path file) {
    try {
      if (!Files.isRegularFile(file)) throw new NodeConfig.Invalid(key + ": " + file + " is not a file");
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      for (PosixFilePermission p : perms) {
        if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
          throw new NodeConfig.Invalid(key + ": " + file + " is readable by others (" +
              java.nio.file.attribute.PosixFilePermissions.toString(perms) + "); chmod 600 it");
        }
      }
      String text = Files.readString(file);
      String first = text.lines().findFirst().orElse("");
      if (first.isEmpty()) throw new NodeConfig.Invalid(key + ": " + file + " is empty");
      return first;
    } catch (IOException e) {
      throw new NodeConfig.Invalid(key + ": " + file + " cannot be read: " + e.getMessage(), e);
    }
  }
}
