package org.tandemha.controller.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.tandemha.actors.port.PoolConfig;
import org.tandemha.controller.NodeConfig;

/**
 * HA-Lizard's parameters (reference §6.2) as Tandem keeps them: pool-wide in the pool's other-config as
 * {@code tandem.<NAME>} (HA-Lizard kept {@code HA_<NAME>}), each mapped onto its {@code tandem.*} HOCON key, and
 * overridden on one host by that host's {@code /etc/tandem/tandem.conf} (as HA-Lizard's local ha-lizard.conf did).
 * Precedence: defaults &lt; pool &lt; host file. Names are case-insensitive. Every value is checked on its own (type,
 * range, IP address or host name, e-mail address, enum) and then with every other value as the node would read
 * it; each of HA-Lizard's {@code set} quirks (§7.2) is fixed: no ":" in a 0/1 flag, host names allowed in the
 * heuristics list, e-mail addresses parsed, spaces allowed where they mean something, the unvalidated ones checked.
 */
public final class PoolParameters implements PoolConfig {
  enum Kind { FLAG, COUNT, SECONDS, MINUTES, OP_MODE, ADDRESSES, UUIDS, EMAIL, EMAILS, FIELD_NAME, TEXT, HOST,
    PORT, PATH, FENCE_METHOD, FENCE_ACTION, SECURITY }

  /**
   * @param path  the HOCON key the value lands on
   * @param live  applied by the running nodes at once; false: when each node restarts
   * @param min   COUNT's bounds
   */
  record Parameter(String name, String path, Kind kind, boolean live, int min, int max, boolean emptyAllowed,
                   String meaning) {}

  static final List<Parameter> ALL = List.of(
      p("OP_MODE", "tandem.ha.op-mode", Kind.OP_MODE, true, false, "1 = vApps restarted as units, 2 = VMs one by one"),
      p("GLOBAL_VM_HA", "tandem.ha.global-vm-ha", Kind.FLAG, true, false, "OP_MODE 2: 1 = every VM, 0 = VMs whose HA field is true"),
      p("DISABLED_VAPPS", "tandem.ha.disabled-vapps", Kind.UUIDS, true, true, "OP_MODE 1: \":\"-list of vApp UUIDs left alone"),
      p("XC_FIELD_NAME", "tandem.ha.xc-field-name", Kind.FIELD_NAME, false, false, "the XenCenter custom field of the pool HA switch, VM flags and host tags"),
      p("MONITOR_DELAY", "tandem.ha.monitor-delay", Kind.SECONDS, false, false, "full pool read as a safety net (XAPI events wake the node at once)"),
      count("XAPI_COUNT", "tandem.ha.xapi-count", true, 1, 100, "failed XAPI probes that confirm a lost peer"),
      p("XAPI_DELAY", "tandem.ha.xapi-delay", Kind.SECONDS, true, false, "pause between those probes (seconds, or e.g. 500ms)"),
      p("XE_TIMEOUT", "tandem.xapi.call-timeout", Kind.SECONDS, false, false, "bound of every XAPI call"),
      p("FENCE_ENABLED", "tandem.ha.fence-enabled", Kind.FLAG, true, false, "0 = no fence and no takeover (manual intervention needed)"),
      p("FENCE_METHOD", "tandem.fence.method", Kind.FENCE_METHOD, false, true, "ILO, IRMC, XVM, POOL or a user agent's name, for hosts without tandem.fence.hosts"),
      p("FENCE_FILE_LOC", "tandem.fence.file-loc", Kind.PATH, false, false, "where <METHOD>/<METHOD>.sh and <METHOD>.hosts live"),
      p("FENCE_IPADDRESS", "tandem.fence.ipaddress", Kind.HOST, false, true, "XVM: the physical host's XAPI; given to scripts"),
      p("FENCE_ACTION", "tandem.ha.fence-action", Kind.FENCE_ACTION, false, false, "stop: power off, read back off (the only safe action)"),
      count("FENCE_MIN_HOSTS", "tandem.ha.fence-min-hosts", true, 1, 64, "fence only in a pool of at least this many hosts"),
      p("FENCE_QUORUM_REQUIRED", "tandem.ha.fence-quorum-required", Kind.FLAG, true, false, "Tandem never fences without quorum; 0 is noted, not honoured"),
      p("FENCE_REBOOT_LONE_HOST", "tandem.ha.fence-reboot-lone-host", Kind.FLAG, true, false, "a master seeing no slave, without quorum, reboots once"),
      p("FENCE_USE_IP_HEURISTICS", "tandem.ha.fence-use-ip-heuristics", Kind.FLAG, true, false, "the IP heuristics break an exact tie"),
      p("FENCE_HEURISTICS_IPS", "tandem.ha.fence-heuristics-ips", Kind.ADDRESSES, true, true, "\":\"-list of addresses or host names; all must answer"),
      p("FENCE_DELAY_SLAVE", "tandem.ha.fence-delay-slave", Kind.SECONDS, true, false, "Tandem: in an exact tie the slave's side fences only after this"),
      p("FENCE_TIMEOUT", "tandem.ha.fence-timeout", Kind.SECONDS, false, false, "Tandem: a fence not confirmed within this has failed"),
      p("MGT_LINK_LOSS_TOLERANCE", "tandem.ha.mgt-link-loss-tolerance", Kind.SECONDS, false, false, "without quorum this long, hard-stop local guests"),
      count("RESTART_CONCURRENCY", "tandem.ha.restart-concurrency", false, 1, 64, "Tandem: VM starts of one priority class in parallel"),
      p("MAIL_ON", "tandem.alerts.mail.to", Kind.FLAG, false, false, "send alert e-mail (with MAIL_TO)"),
      p("MAIL_TO", "tandem.alerts.mail.to", Kind.EMAILS, false, true, "alert e-mail recipients, \",\"-separated; empty = none"),
      p("MAIL_FROM", "tandem.alerts.mail.from", Kind.EMAIL, false, false, "alert e-mail sender"),
      p("MAIL_SUBJECT", "tandem.alerts.mail.subject", Kind.TEXT, false, false, "alert e-mail subject (%h = host name); the alert's title follows"),
      p("MAIL_SCREEN_TIME", "tandem.alerts.screen-time", Kind.MINUTES, false, false, "minutes within which the same alert is not sent again"),
      p("SMTP_SERVER", "tandem.alerts.mail.server", Kind.HOST, false, false, "SMTP server"),
      p("SMTP_PORT", "tandem.alerts.mail.port", Kind.PORT, false, true, "SMTP port (465: SMTPS, 587: STARTTLS); empty = 25"),
      p("SMTP_SECURITY", "tandem.alerts.mail.security", Kind.SECURITY, false, false, "Tandem: auto, plain, starttls or smtps"),
      p("SMTP_USER", "tandem.alerts.mail.user", Kind.TEXT, false, true, "SMTP login; its password goes in a 0600 file (tandem.alerts.mail.password-file)"),
      p("ENABLE_ALERTS", "tandem.alerts.xapi", Kind.FLAG, false, false, "alerts as pool messages (XenCenter / Xen Orchestra)"));

  /** HA-Lizard parameters with no meaning in Tandem, and why: `set` refuses them with this, import skips them. */
  static final Map<String, String> UNUSED = Map.ofEntries(
      Map.entry("MONITOR_MAX_STARTS", "Tandem has no hung-iteration watchdog: supervision restarts a stuck actor"),
      Map.entry("MONITOR_KILLALL", "Tandem has no hung-iteration watchdog: supervision restarts a stuck actor"),
      Map.entry("MONITOR_SCANRATE", "Tandem has no hung-iteration watchdog: supervision restarts a stuck actor"),
      Map.entry("ENABLE_LOGGING", "Tandem always logs its decisions and journals them (tandem events)"),
      Map.entry("SLAVE_HA", "a new master always restarts the HA VMs once the old one is confirmed gone"),
      Map.entry("PROMOTE_SLAVE", "the autopromote winner always may take over a confirmed-dead master; "
          + "`tandem disarm` stops every takeover"),
      Map.entry("SLAVE_VM_STAT", "only the master starts VMs; every node destroys stray duplicates"),
      Map.entry("FENCE_HA_ONFAIL", "the VMs of a host whose fence failed are never restarted (they may still run)"),
      Map.entry("FENCE_HOST_FORGET", "deprecated in HA-Lizard; Tandem never forgets a host"),
      Map.entry("HOST_SELECT_METHOD", "Tandem chooses hosts by free memory and affinity, and XAPI places vApps"),
      Map.entry("DISK_MONITOR", "disk health monitoring is not Tandem's job"));

  /** Never in the pool database: Tandem reads secrets only from 0600 files on each host. */
  static final Map<String, String> SECRETS = Map.of(
      "FENCE_PASSWD", "tandem.fence.password-file", "SMTP_PASS", "tandem.alerts.mail.password-file");

  private static Parameter p(String name, String path, Kind kind, boolean live, boolean empty, String meaning) {
    return new Parameter(name, path, kind, live, 0, 0, empty, meaning);
  }

  private static Parameter count(String name, String path, boolean live, int min, int max, String meaning) {
    return new Parameter(name, path, Kind.COUNT, live, min, max, false, meaning);
  }

  private final Config user;
  private final String userFile;
  private final Map<String, String> atStart;
  private final Optional<Path> cache;

  /** For reading only (the CLI with the node down): no pool values known, nothing remembered. */
  public PoolParameters(Config user, String userFile) {
    this(user, userFile, Map.of(), Optional.empty());
  }

  /**
   * @param user     this host's own file (empty when there is none)
   * @param userFile its path, for "where the value comes from"
   * @param atStart  the pool's {@code tandem.*} values the node started with: the settings that take a restart keep
   *                 these until the next start, the live ones follow the pool
   * @param cache    where the node remembers the pool's values for its next start (read before XAPI answers)
   */
  public PoolParameters(Config user, String userFile, Map<String, String> atStart, Optional<Path> cache) {
    this.user = user;
    this.userFile = userFile;
    this.atStart = Map.copyOf(atStart);
    this.cache = cache;
  }

  /** The pool other-config entries this port owns. */
  public static Map<String, String> owned(Map<String, String> other) {
    Map<String, String> m = new java.util.TreeMap<>();
    other.forEach((k, v) -> {
      if (k.startsWith(PREFIX)) m.put(k, v);
    });
    return m;
  }

  /** The values a running node applies now: the live ones from the pool, the others as at its start. */
  private Map<String, String> liveOver(Map<String, String> other) {
    Map<String, String> m = new LinkedHashMap<>(atStart);
    for (Parameter p : ALL) {
      if (!p.live()) continue;
      m.remove(PREFIX + p.name());
      if (other.containsKey(PREFIX + p.name())) m.put(PREFIX + p.name(), other.get(PREFIX + p.name()));
    }
    return m;
  }

  /** Every pool value that does not pass its own check, named. */
  static List<String> badValues(Map<String, String> other) {
    List<String> bad = new ArrayList<>();
    for (Parameter p : ALL) {
      String v = other.get(PREFIX + p.name());
      if (v != null) normalise(p, v).ifPresent(bad::add);
    }
    return bad;
  }

  @Override public void remember(Map<String, String> other) {
    if (cache.isEmpty()) return;
    try {
      java.util.Properties props = new java.util.Properties();
      owned(other).forEach(props::setProperty);
      Path tmp = cache.get().resolveSibling(cache.get().getFileName() + ".tmp");
      java.nio.file.Files.createDirectories(cache.get().getParent());
      try (var out = java.nio.file.Files.newOutputStream(tmp)) {
        props.store(out, "the pool's tandem.* settings as this node last read them; read at its next start");
      }
      java.nio.file.Files.move(tmp, cache.get(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("pool settings not remembered in " + cache.get(), e);
    }
  }

  /** What {@link #remember} wrote, or empty when there is nothing (a first start) or it cannot be read. */
  public static Optional<Map<String, String>> recalled(Path cache) {
    if (!java.nio.file.Files.isRegularFile(cache)) return Optional.empty();
    try (var in = java.nio.file.Files.newInputStream(cache)) {
      java.util.Properties props = new java.util.Properties();
      props.load(in);
      Map<String, String> m = new java.util.TreeMap<>();
      props.stringPropertyNames().forEach(k -> m.put(k, props.getProperty(k)));
      return Optional.of(owned(m));
    } catch (java.io.IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  static Optional<Parameter> named(String name) {
    String n = name.strip().toUpperCase(Locale.ROOT);
    return ALL.stream().filter(p -> p.name().equals(n)).findFirst();
  }

  // ------------------------------------------------------------------ the pool layer

  /** The pool's {@code tandem.*} values as HOCON under their keys; unknown or unparsable keys are left out here. */
  static Config poolLayer(Map<String, String> other) {
    Config c = ConfigFactory.empty();
    for (Parameter p : ALL) {
      if (p.name().equals("MAIL_ON") || p.name().equals("MAIL_TO")) continue;
      String v = other.get(PREFIX + p.name());
      if (v == null || normalise(p, v).isPresent()) continue;   // a bad value: the check reports it
      c = c.withValue(p.path(), ConfigValueFactory.fromAnyRef(hocon(p, v.strip())));
    }
    String on = other.get(PREFIX + "MAIL_ON");
    String to = other.get(PREFIX + "MAIL_TO");
    if ("0".equals(on == null ? null : on.strip())) {
      c = c.withValue("tandem.alerts.mail.to", ConfigValueFactory.fromIterable(List.of()));
    } else if (to != null && !to.isBlank()) {
      c = c.withValue("tandem.alerts.mail.to", ConfigValueFactory.fromIterable(
          Arrays.stream(to.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList()));
    }
    return c;
  }

  private static Object hocon(Parameter p, String v) {
    return switch (p.kind()) {
      case FLAG -> p.path().equals("tandem.alerts.xapi") ? (Object) v.equals("1") : (Object) Integer.parseInt(v);
      case COUNT, OP_MODE -> Integer.parseInt(v);
      case PORT -> v.isEmpty() ? 25 : Integer.parseInt(v);
      case SECONDS -> v.matches("\\d+") ? v + "s" : v;
      case MINUTES -> v + "m";
      default -> v;
    };
  }

  // ------------------------------------------------------------------ one value on its own

  /** What is wrong with {@code v} for {@code p}, or empty. */
  static Optional<String> normalise(Parameter p, String raw) {
    String v = raw.strip();
    String n = p.name();
    if (v.contains("\n")) return Optional.of(n + ": a value must be one line");
    if (v.isEmpty()) {
      return p.emptyAllowed() ? Optional.empty() : Optional.of("Specified value for: " + n + " cannot be empty");
    }
    switch (p.kind()) {
      case FLAG -> {
        if (!v.equals("0") && !v.equals("1")) return Optional.of(n + " must be 0 or 1, got \"" + v + "\"");
      }
      case OP_MODE -> {
        if (!v.equals("1") && !v.equals("2")) return Optional.of(n + " must be 1 (vApps) or 2 (VMs), got \"" + v + "\"");
      }
      case COUNT -> {
        if (!v.matches("\\d{1,9}") || Integer.parseInt(v) < p.min() || Integer.parseInt(v) > p.max()) {
          return Optional.of(n + " must be a whole number " + p.min() + "-" + p.max() + ", got \"" + v + "\"");
        }
      }
      case SECONDS -> {
        Duration d;
        try {
          d = v.matches("\\d{1,9}") ? Duration.ofSeconds(Long.parseLong(v))
              : ConfigFactory.parseString("d = \"" + v.replace("\"", "") + "\"").getDuration("d");
        } catch (RuntimeException e) {
          return Optional.of(n + " must be seconds (e.g. 15) or a duration (e.g. 500ms, 2s), got \"" + v + "\"");
        }
        if (d.isZero() || d.isNegative()) return Optional.of(n + " must be more than 0, got \"" + v + "\"");
        if (d.compareTo(Duration.ofHours(24)) > 0) return Optional.of(n + " must be at most 24h, got \"" + v + "\"");
      }
      case MINUTES -> {
        if (!v.matches("\\d{1,6}")) return Optional.of(n + " must be whole minutes (e.g. 60), got \"" + v + "\"");
      }
      case ADDRESSES -> {
        for (String a : v.split(":", -1)) {
          if (!address(a.strip())) return Optional.of("Invalid IP address or host name [" + a + "] specified for " + n);
        }
      }
      case HOST -> {
        if (!address(v)) return Optional.of(n + ": \"" + v + "\" is not an IP address or host name");
      }
      case UUIDS -> {
        for (String u : v.split(":", -1)) {
          if (!u.strip().toLowerCase(Locale.ROOT).matches("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")) {
            return Optional.of(n + ": \"" + u + "\" is not a UUID (see `xe appliance-list`)");
          }
        }
      }
      case EMAIL -> {
        return email(n, v);
      }
      case EMAILS -> {
        for (String a : v.split(",")) {
          Optional<String> bad = email(n, a.strip());
          if (bad.isPresent()) return bad;
        }
      }
      case FIELD_NAME -> {
        if (!v.matches("[A-Za-z0-9_.-]{1,64}")) return Optional.of(n + " must be letters, digits and _.- (a field name), got \"" + v + "\"");
      }
      case PORT -> {
        if (!v.matches("\\d{1,5}") || Integer.parseInt(v) < 1 || Integer.parseInt(v) > 65535) {
          return Optional.of(n + " must be a port 1-65535, got \"" + v + "\"");
        }
      }
      case PATH -> {
        if (!v.startsWith("/")) return Optional.of(n + " must be an absolute path, got \"" + v + "\"");
      }
      case FENCE_METHOD -> {
        if (v.equalsIgnoreCase("DRAC")) {
          return Optional.of("FENCE_METHOD DRAC is not supported (nor was it in HA-Lizard): use fence_idrac through "
              + "tandem.fence.hosts");
        }
        if (!v.matches("[A-Za-z0-9_-]{1,64}")) return Optional.of("FENCE_METHOD must be ILO, IRMC, XVM, POOL or an agent "
            + "script's name (letters, digits, _ and -), got \"" + v + "\"");
      }
      case FENCE_ACTION -> {
        if (!v.equals("stop")) {
          return Optional.of("FENCE_ACTION must be stop: only a host read back off is confirmed gone (start and "
              + "reset could leave it running), got \"" + v + "\"");
        }
      }
      case SECURITY -> {
        if (!List.of("auto", "plain", "starttls", "smtps").contains(v)) {
          return Optional.of(n + " must be auto, plain, starttls or smtps, got \"" + v + "\"");
        }
      }
      case TEXT -> { }
      default -> { }
    }
    return Optional.empty();
  }

  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern HOSTNAME = Pattern.compile(
      "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

  /** An IPv4 address (each part 0-255), an IPv6 address, or a host name (HA-Lizard refused host names). */
  static boolean address(String a) {
    var m = IPV4.matcher(a);
    if (m.matches()) {
      for (int i = 1; i <= 4; i++) if (Integer.parseInt(m.group(i)) > 255) return false;
      return true;
    }
    if (a.contains(":") || a.matches("\\[.*\\]")) {
      try {
        return java.net.InetAddress.getByName(a.replace("[", "").replace("]", "")) instanceof java.net.Inet6Address
            && a.replaceAll("[\\[\\]]", "").matches("[0-9A-Fa-f:.]+");
      } catch (java.net.UnknownHostException e) {
        return false;
      }
    }
    return !a.matches("[\\d.]+") && HOSTNAME.matcher(a).matches();
  }

  private static Optional<String> email(String n, String v) {
    try {
      org.tandemha.controller.alert.AlertConfig.address(n, v);
      return Optional.empty();
    } catch (NodeConfig.Invalid e) {
      return Optional.of(e.getMessage());
    }
  }

  // ------------------------------------------------------------------ PoolConfig

  @Override public Applied settingsFor(Map<String, String> other) {
    List<String> bad = badValues(other);
    if (!bad.isEmpty()) return new Applied(Optional.empty(), String.join("; ", bad));
    try {
      return new Applied(Optional.of(NodeConfig.from(user.withFallback(poolLayer(liveOver(other)))).settings()), "");
    } catch (NodeConfig.Invalid e) {
      return new Applied(Optional.empty(), e.getMessage());
    }
  }

  @Override public List<Entry> effective(Map<String, String> other) {
    Config all = NodeConfig.loadLocalFrom(user.withFallback(poolLayer(other)));
    List<Entry> out = new ArrayList<>();
    for (Parameter p : ALL) {
      String source = user.hasPath(p.path()) ? "host file " + userFile
          : other.containsKey(PREFIX + p.name()) || (p.path().equals("tandem.alerts.mail.to")
              && (other.containsKey(PREFIX + "MAIL_ON") || other.containsKey(PREFIX + "MAIL_TO"))) ? "pool" : "default";
      out.add(new Entry(p.name(), render(p, all), source, p.live(), p.meaning()));
    }
    return out;
  }

  /** The value as HA-Lizard showed it: flags 0/1, times in seconds (or ms), lists joined. */
  static String render(Parameter p, Config all) {
    String path = p.path();
    return switch (p.name()) {
      case "MAIL_ON" -> all.getStringList(path).isEmpty() ? "0" : "1";
      case "MAIL_TO" -> String.join(",", all.getStringList(path));
      default -> switch (p.kind()) {
        case FLAG -> all.getValue(path).unwrapped() instanceof Boolean b ? (b ? "1" : "0")
            : String.valueOf(all.getValue(path).unwrapped()).strip().equals("0") ? "0" : "1";
        case SECONDS -> seconds(all.getDuration(path));
        case MINUTES -> String.valueOf(all.getDuration(path).toMinutes());
        default -> String.valueOf(all.getValue(path).unwrapped());
      };
    };
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? String.valueOf(d.toSeconds()) : d.toMillis() + "ms";
  }

  @Override public Check check(Map<String, String> other, String name, String value) {
    String n = name.strip().toUpperCase(Locale.ROOT);
    if (SECRETS.containsKey(n)) {
      return refuse(n, n + " is a secret: Tandem never keeps one in the pool database (every host can read it); put it "
          + "in a 0600 file on each host and name it in " + SECRETS.get(n) + " in /etc/tandem/tandem.conf");
    }
    if (UNUSED.containsKey(n)) return refuse(n, n + " is not used by Tandem: " + UNUSED.get(n));
    Optional<Parameter> found = named(n);
    if (found.isEmpty()) {
      List<String> near = ALL.stream().map(Parameter::name).filter(x -> x.contains(n) || n.contains(x)).toList();
      return refuse(n, "Parameter name " + name + " not found" + (near.isEmpty() ? "" : " (did you mean "
          + String.join(", ", near) + "?)") + "; `tandem config get` lists them");
    }
    Parameter p = found.get();
    Optional<String> bad = normalise(p, value);
    if (bad.isPresent()) return refuse(n, bad.get());
    Map<String, String> next = new LinkedHashMap<>(other);
    next.put(PREFIX + n, value.strip());
    List<String> stillBad = badValues(next);
    if (!stillBad.isEmpty()) {
      // Nodes refuse the pool's settings as a whole while any value is bad: a set that "succeeds" would not apply.
      return refuse(n, "the pool holds another value no node accepts (written by hand?): " + String.join("; ", stillBad)
          + "; set that one right first");
    }
    List<String> warnings = new ArrayList<>();
    try {
      Config candidate = user.withFallback(poolLayer(next));
      NodeConfig.from(candidate);
      Config all = NodeConfig.loadLocalFrom(candidate);
      if (p.path().startsWith("tandem.alerts")) org.tandemha.controller.alert.AlertConfig.read(all);
      if (all.getString("tandem.fence.method").strip().equalsIgnoreCase("POOL")
          && all.getString("tandem.watchdog.device").isBlank() && all.getInt("tandem.cluster.witnesses") == 0) {
        warnings.add("warning: FENCE_METHOD=POOL powers nothing off, and this host has no watchdog "
            + "(tandem.watchdog.device) and no witness: no takeover happens without a confirmed fence");
      }
    } catch (NodeConfig.Invalid | com.typesafe.config.ConfigException e) {
      return refuse(n, n + "=" + value.strip() + " is refused with the other settings: " + e.getMessage());
    }
    boolean mailOn = !"0".equals(next.getOrDefault(PREFIX + "MAIL_ON", "1").strip());
    boolean mailTo = !next.getOrDefault(PREFIX + "MAIL_TO", "").isBlank() || user.hasPath("tandem.alerts.mail.to");
    if ((n.equals("MAIL_ON") || n.equals("MAIL_TO")) && mailOn != mailTo) {
      warnings.add(mailOn ? "warning: MAIL_ON=1 but MAIL_TO is empty: no e-mail goes out until MAIL_TO is set"
          : "warning: MAIL_TO is set but MAIL_ON=0: no e-mail goes out until MAIL_ON=1");
    }
    if (user.hasPath(p.path())) {
      warnings.add("note: this host's " + userFile + " sets " + p.path() + " itself, which wins here over the pool value");
    }
    return new Check(n, PREFIX + n, value.strip(), "", warnings, p.live());
  }

  private static Check refuse(String name, String why) {
    return new Check(name, "", "", why, List.of(), false);
  }

  @Override public Map<String, String> defaults() {
    Config all = NodeConfig.loadLocalFrom(ConfigFactory.empty());
    Map<String, String> d = new LinkedHashMap<>();
    for (Parameter p : ALL) d.put(p.name(), render(p, all));
    return d;
  }

  @Override public boolean isSecret(String name) {
    return SECRETS.containsKey(name.strip().toUpperCase(Locale.ROOT));
  }
}
