package org.tandemha.fencing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tandemha.protocol.HostId;

/**
 * HA-Lizard's built-in FENCE_METHOD names (halizard-behaviour §5.2) on the ClusterLabs agents (issue #7 item 3),
 * reading the same {@code <FENCE_FILE_LOC>/<METHOD>/<METHOD>.hosts} files — exactly, where HA-Lizard's grep matched
 * substrings — and, unlike HA-Lizard's expect scripts, reading the power back and failing when a device does not
 * answer:
 * <ul>
 *   <li>{@code ILO} — {@code fence_ipmilan} with lanplus (IPMI 2.0, which iLO 3 and later speak); the .hosts value
 *       is the iLO address; login {@code root} as HA-Lizard used, unless {@code username} says otherwise;</li>
 *   <li>{@code IRMC} — {@code fence_ipmilan} with lanplus against the iRMC address; login {@code admin};</li>
 *   <li>{@code XVM} (nested lab pools) — {@code fence_xenapi} against the physical host's XAPI at FENCE_IPADDRESS,
 *       the .hosts value being the UUID of the VM that is the pool host; login {@code root}.</li>
 * </ul>
 * A .hosts value {@code address:port} sets the agent's {@code ipport} (ILO/IRMC). {@code options} are added to every
 * device (e.g. {@code cipher}, {@code ssl_insecure}); they may also replace the agent with {@code agent}.
 */
public final class HaLizardMethods {
  private HaLizardMethods() {}

  /** The method names with a built-in mapping; any other name but POOL is a user's script. */
  public static final List<String> BUILT_IN = List.of("ILO", "IRMC", "XVM");

  /** Rejected with a pointer to the agent that does it: HA-Lizard's DRAC method only ever said "not supported". */
  public static final String DRAC = "DRAC";

  public record Settings(Path fileLoc, String method, Optional<String> username, Optional<String> password,
                         String ipAddress, Map<String, String> options) {
    public Settings {
      method = method.toUpperCase(Locale.ROOT);
      options = Map.copyOf(options);
      if (!BUILT_IN.contains(method)) throw new IllegalArgumentException("not a built-in fence method: " + method);
    }
  }

  private static final Pattern HOST_PORT = Pattern.compile("([^:\\[\\]\\s]+):(\\d{1,5})");
  private static final Pattern BRACKETED = Pattern.compile("\\[([0-9a-fA-F:.]+)\\](?::(\\d{1,5}))?");
  private static final Pattern VM_UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /** The .hosts file a built-in or script method reads. */
  public static Path hostsFile(Path fileLoc, String method) {
    return fileLoc.resolve(method).resolve(method + ".hosts");
  }

  /**
   * Every host of the method's .hosts file with its one device.
   *
   * @throws HostsFile.Invalid the file is missing, unreadable, malformed, or a value does not fit the method
   */
  public static Map<HostId, List<FenceAgentsPort.Device>> devices(Settings s) throws HostsFile.Invalid {
    Path file = hostsFile(s.fileLoc(), s.method());
    if (!Files.isRegularFile(file)) {
      throw new HostsFile.Invalid(file + " is missing: FENCE_METHOD=" + s.method() + " maps each host UUID to its "
          + (s.method().equals("XVM") ? "VM UUID" : "device address") + " there, one <host-uuid>:<value> per line");
    }
    HostsFile hosts = HostsFile.read(file);
    if (hosts.size() == 0) throw new HostsFile.Invalid(file + " lists no host");
    if (s.method().equals("XVM") && s.ipAddress().isBlank()) {
      throw new HostsFile.Invalid("FENCE_METHOD=XVM needs FENCE_IPADDRESS, the address of the physical host's XAPI");
    }
    Map<HostId, List<FenceAgentsPort.Device>> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : hosts.entries().entrySet()) {
      out.put(new HostId(e.getKey()), List.of(device(s, file, e.getKey(), e.getValue())));
    }
    return out;
  }

  private static String port(Path file, String host, String port) throws HostsFile.Invalid {
    int p = Integer.parseInt(port);
    if (p < 1 || p > 65535) throw new HostsFile.Invalid(file + ": host " + host + ": port " + port + " is out of range");
    return port;
  }

  private static FenceAgentsPort.Device device(Settings s, Path file, String host, String value)
      throws HostsFile.Invalid {
    Map<String, String> o = new LinkedHashMap<>();
    String agent;
    switch (s.method()) {
      case "XVM" -> {
        if (!VM_UUID.matcher(value).matches()) {
          throw new HostsFile.Invalid(file + ": host " + host + ": \"" + value + "\" is not a VM UUID");
        }
        agent = "fence_xenapi";
        String at = s.ipAddress().strip();
        o.put("session_url", at.contains("://") ? at : "https://" + at);
        o.put("login", s.username().orElse("root"));
        o.put("plug", value.toLowerCase(Locale.ROOT));
      }
      default -> {   // ILO, IRMC: IPMI over LAN, version 2.0
        agent = "fence_ipmilan";
        Matcher m = HOST_PORT.matcher(value);
        Matcher v6 = BRACKETED.matcher(value);
        if (m.matches()) {
          o.put("ip", m.group(1));
          o.put("ipport", port(file, host, m.group(2)));
        } else if (v6.matches()) {   // [fe80::1] or [fe80::1]:623
          o.put("ip", v6.group(1));
          if (v6.group(2) != null) o.put("ipport", port(file, host, v6.group(2)));
        } else if (value.matches("[0-9a-fA-F:]+") && value.chars().filter(c -> c == ':').count() >= 2) {
          o.put("ip", value);       // a bare IPv6 address
        } else if (value.matches("[^\\s:\\[\\]]+")) {
          o.put("ip", value);
        } else {
          throw new HostsFile.Invalid(file + ": host " + host + ": \"" + value + "\" is not an address");
        }
        o.put("username", s.username().orElse(s.method().equals("ILO") ? "root" : "admin"));
        o.put("lanplus", "1");
      }
    }
    s.password().ifPresent(p -> o.put("password", p));
    Map<String, String> extra = new LinkedHashMap<>(s.options());
    String chosen = extra.remove("agent");
    o.putAll(extra);
    return new FenceAgentsPort.Device(chosen != null ? chosen : agent, o);
  }
}
