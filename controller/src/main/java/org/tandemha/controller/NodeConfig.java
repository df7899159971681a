package org.tandemha.controller;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.File;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.tandemha.controller.xapi.SdkXapiAdapter;
import org.tandemha.controller.xapi.XapiConnections;
import org.tandemha.protocol.FenceSettings;
import org.tandemha.protocol.HaSettings;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.NodeSettings;

/**
 * A node's configuration, read and checked before anything starts: defaults from the bundled
 * application.conf, overridden by the host's file. Any problem is a {@link Invalid} naming the key.
 */
public record NodeConfig(Config raw, NodeSettings settings, SdkXapiAdapter.Endpoint xapi, Config user) {

  /** A configuration Tandem refuses to start with; the message names the key and what is wrong. */
  public static final class Invalid extends RuntimeException {
    public Invalid(String message) { super(message); }
    public Invalid(String message, Throwable cause) { super(message, cause); }
  }

  /** Defaults, then {@code overrides} (may be null), resolved together so overrides reach substitutions. */
  public static NodeConfig load(File overrides) {
    return from(parse(overrides));
  }

  private static Config parse(File overrides) {
    if (overrides == null) return ConfigFactory.empty();
    if (!overrides.isFile()) throw new Invalid("configuration file " + overrides + " does not exist");
    try {
      return ConfigFactory.parseFile(overrides, ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new Invalid("configuration file " + overrides + ": " + e.getMessage(), e);
    }
  }

  /** Defaults plus the file, resolved and checked only as HOCON: for the witness, which has no host. */
  /** The file over the defaults, without the checks a running node needs: for CLI verbs that talk to the node. */
  public static Config loadLocal(File overrides) {
    try {
      return parse(overrides).withFallback(ConfigFactory.defaultApplication()).withFallback(ConfigFactory.defaultReference())
          .resolve();
    } catch (ConfigException e) {
      throw new Invalid(e.getMessage(), e);
    }
  }

  /** {@code user} over the defaults, resolved: what a node would read, without a node's checks. */
  public static Config loadLocalFrom(Config user) {
    try {
      return user.withFallback(ConfigFactory.defaultApplication()).withFallback(ConfigFactory.defaultReference()).resolve();
    } catch (ConfigException e) {
      throw new Invalid(e.getMessage(), e);
    }
  }

  public static Config loadRaw(File overrides) {
    Config user = parse(overrides);
    try {
      Config all = user.withFallback(ConfigFactory.defaultApplication()).withFallback(ConfigFactory.defaultReference())
          .resolve();
      if (all.getStringList("akka.cluster.seed-nodes").isEmpty()) {
        throw new Invalid("akka.cluster.seed-nodes is empty: list the pool hosts' nodes, e.g. "
            + "[\"akka://tandem@10.0.0.11:25520\", \"akka://tandem@10.0.0.12:25520\"]");
      }
      return all;
    } catch (ConfigException e) {
      throw new Invalid(e.getMessage(), e);
    }
  }

  public static NodeConfig from(Config user) {
    try {
      Config all = user.withFallback(ConfigFactory.defaultApplication()).withFallback(ConfigFactory.defaultReference())
          .resolve();
      journal(all);
      return new NodeConfig(all, settings(all), endpoint(all), user);
    } catch (ConfigException e) {
      throw new Invalid(e.getMessage(), e);
    }
  }

  /** This configuration with the pool's values under the host file (default &lt; pool &lt; host file). */
  public NodeConfig withPool(Config poolLayer) {
    NodeConfig m = from(user.withFallback(poolLayer));
    return new NodeConfig(m.raw(), m.settings(), m.xapi(), user);
  }

  private static NodeSettings settings(Config c) {
    String uuid = c.getString("tandem.node.host-uuid").trim();
    if (uuid.isEmpty()) throw new Invalid("tandem.node.host-uuid is not set (this host's UUID, see `xe host-list`)");
    Config ha = c.getConfig("tandem.ha");
    int xapiCount = ha.getInt("xapi-count");
    if (xapiCount < 1 || xapiCount > 100) throw new Invalid("tandem.ha.xapi-count must be 1..100, got " + xapiCount);
    Duration xapiDelay = positive(ha, "xapi-delay");
    List<String> ips = Arrays.stream(ha.getString("fence-heuristics-ips").split(":"))
        .map(String::trim).filter(s -> !s.isEmpty()).toList();
    HaSettings settings = new HaSettings(flag(ha, "global-vm-ha"), ha.getString("xc-field-name"), xapiCount,
        xapiDelay, ips, flag(ha, "fence-use-ip-heuristics"), nonNegative(ha, "fence-delay-slave"), opMode(ha),
        disabledVapps(ha));
    return new NodeSettings(new HostId(uuid), settings, positive(ha, "monitor-delay"), positive(ha, "fence-timeout"),
        positive(ha, "promote-wait"), positive(c.getConfig("tandem.xapi"), "event-wait"), witnesses(c), fencing(ha), restartConcurrency(ha));
  }

  private static int opMode(Config ha) {
    String v = ha.getString("op-mode").trim();
    if (v.equals("1") || v.equals("2")) return Integer.parseInt(v);
    throw new Invalid("tandem.ha.op-mode must be 1 (vApps) or 2 (VMs), got \"" + v + "\"");
  }

  /** DISABLED_VAPPS: ":"-separated vApp UUIDs, each checked, so a typo is named rather than silently managed. */
  private static java.util.Set<String> disabledVapps(Config ha) {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    for (String u : ha.getString("disabled-vapps").split(":")) {
      String t = u.trim().toLowerCase(java.util.Locale.ROOT);
      if (t.isEmpty()) continue;
      if (!t.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")) {
        throw new Invalid("tandem.ha.disabled-vapps: \"" + u.trim() + "\" is not a vApp UUID (see `xe appliance-list`)");
      }
      out.add(t);
    }
    return out;
  }

  private static int restartConcurrency(Config ha) {
    int n = ha.getInt("restart-concurrency");
    if (n < 1 || n > 64) throw new Invalid("tandem.ha.restart-concurrency must be 1..64, got " + n);
    return n;
  }

  private static FenceSettings fencing(Config ha) {
    int minHosts = ha.getInt("fence-min-hosts");
    if (minHosts < 1 || minHosts > 64) throw new Invalid("tandem.ha.fence-min-hosts must be 1..64, got " + minHosts);
    String action = ha.getString("fence-action").trim();
    if (!action.equals("stop")) {
      throw new Invalid("tandem.ha.fence-action must be stop (power off, read back off), got \"" + action + "\"");
    }
    return new FenceSettings(flag(ha, "fence-enabled"), minHosts, flag(ha, "fence-quorum-required"), action,
        flag(ha, "fence-reboot-lone-host"), positive(ha, "mgt-link-loss-tolerance"));
  }

  private static SdkXapiAdapter.Endpoint endpoint(Config c) {
    Config x = c.getConfig("tandem.xapi");
    String scheme = x.getString("scheme");
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new Invalid("tandem.xapi.scheme must be http or https, got \"" + scheme + "\"");
    }
    int port = x.getInt("port");
    if (port < 1 || port > 65535) throw new Invalid("tandem.xapi.port must be 1..65535, got " + port);
    String address = c.getString("tandem.node.host-address").trim();
    if (address.isEmpty()) throw new Invalid("tandem.node.host-address is not set (this host's management IP)");
    boolean plain = x.getBoolean("allow-plain-http");
    if (scheme.equals("http") && !plain && !XapiConnections.isLoopbackAddress(address)) {
      throw new Invalid("tandem.xapi.scheme = http to " + address + " sends the XAPI password in clear; use https "
          + "or set tandem.xapi.allow-plain-http = on");
    }
    String store = x.getString("trust-store").trim();
    Optional<Path> trustStore = store.isEmpty() ? Optional.empty() : Optional.of(Path.of(store));
    if (trustStore.isPresent() && !Files.isReadable(trustStore.get())) {
      throw new Invalid("tandem.xapi.trust-store " + store + " is not a readable file");
    }
    List<String> pins = x.getStringList("pinned-sha256");
    for (String pin : pins) {
      if (!pin.replace(":", "").strip().toLowerCase().matches("[0-9a-f]{64}")) {
        throw new Invalid("tandem.xapi.pinned-sha256: \"" + pin + "\" is not a SHA-256 fingerprint");
      }
    }
    var security = new XapiConnections.Security(trustStore, x.getString("trust-store-password"), pins, plain,
        x.getBoolean("bind-to-host-address") ? Optional.of(address) : Optional.empty());
    return new SdkXapiAdapter.Endpoint(scheme, port, address, x.getString("user"), xapiPassword(x),
        positive(x, "call-timeout"), positive(x, "connect-timeout"), positive(x, "probe-timeout"), security);
  }

  /** The XAPI password, from tandem.xapi.password-file (0600, owned by who runs Tandem): never in the config itself. */
  private static String xapiPassword(Config x) {
    if (x.hasPath("password")) {
      throw new Invalid("tandem.xapi.password: no passwords in the configuration (it is readable where it is copied, "
          + "backed up or shown): put it alone in a file of mode 0600 and name that in tandem.xapi.password-file");
    }
    String file = x.getString("password-file").trim();
    return file.isEmpty() ? "" : secret("tandem.xapi.password-file", Path.of(file));
  }

  /** The journal's segment and retention settings: checked here, so a bad value stops the node naming the key. */
  private static void journal(Config c) {
    Config j = c.getConfig("tandem.journal");
    if (j.getString("dir").isBlank()) throw new Invalid("tandem.journal.dir must not be empty");
    long segment = j.getBytes("segment-size");
    if (segment < 4096) throw new Invalid("tandem.journal.segment-size must be at least 4 KiB, got " + segment + " bytes");
    if (j.getBytes("retention-size") < segment) {
      throw new Invalid("tandem.journal.retention-size must be at least segment-size (" + segment + " bytes)");
    }
    positive(j, "segment-age");
    positive(j, "retention-age");
  }

  private static int witnesses(Config c) {
    int n = c.getInt("tandem.cluster.witnesses");
    if (n < 0 || n > 5) throw new Invalid("tandem.cluster.witnesses must be 0..5, got " + n);
    return n;
  }

  /** HA-Lizard style 0/1 switches; anything else is refused rather than guessed. */
  private static boolean flag(Config c, String key) {
    String v = c.getString(key).trim();
    if (v.equals("1")) return true;
    if (v.equals("0")) return false;
    throw new Invalid("tandem.ha." + key + " must be 0 or 1, got \"" + v + "\"");
  }

  private static Duration nonNegative(Config c, String key) {
    Duration d = c.getDuration(key);
    if (d.isNegative()) throw new Invalid(key + " must not be negative, got " + d);
    return d;
  }

  private static Duration positive(Config c, String key) {
    Duration d = c.getDuration(key);
    if (d.isNegative() || d.isZero()) throw new Invalid(key + " must be a positive duration, got " + d);
    return d;
  }

  /** A secret's file: a regular file readable by its owner alone (0600 or 0400); its first line is the secret. */
  public static String secret(String key, java.nio.file.Path file) {
    try {
      privateFile(key, file);
      String text = java.nio.file.Files.readString(file);
      String first = text.lines().findFirst().orElse("");
      if (first.isEmpty()) throw new Invalid(key + ": " + file + " is empty");
      return first;
    } catch (java.io.IOException e) {
      throw new Invalid(key + ": " + file + " cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * A file holding a secret (a password, a private key): a regular file, owned by the user this process runs as
   * (root under systemd), readable and writable by that owner alone. Otherwise refused, naming the file and the fix.
   */
  public static void privateFile(String key, java.nio.file.Path file) {
    try {
      if (!java.nio.file.Files.isRegularFile(file)) {
        throw new Invalid(key + ": " + file + (java.nio.file.Files.exists(file) ? " is not a file" : " does not exist"));
      }
      java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = java.nio.file.Files.getPosixFilePermissions(file);
      for (java.nio.file.attribute.PosixFilePermission p : perms) {
        if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
          throw new Invalid(key + ": " + file + " is readable by others (" +
              java.nio.file.attribute.PosixFilePermissions.toString(perms) + "); chmod 600 it");
        }
      }
      String owner = java.nio.file.Files.getOwner(file).getName();
      String self = System.getProperty("user.name");
      if (!owner.equals(self)) {
        throw new Invalid(key + ": " + file + " is owned by " + owner + ", not by " + self
            + " who runs Tandem; chown " + self + " it");
      }
    } catch (java.io.IOException e) {
      throw new Invalid(key + ": " + file + " cannot be read: " + e.getMessage(), e);
    }
  }
}
