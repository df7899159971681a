package org.tandemha.actors.port;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tandemha.protocol.NodeSettings;

/**
 * The pool-wide settings (issue #9 items 4-6): HA-Lizard's parameters, kept in the pool's other-config as
 * {@code tandem.<NAME>}, under this host's own file and over the defaults. The node asks it at each pool read what its
 * settings are now, and the admin actor asks it to check a change before anything is written.
 */
public interface PoolConfig {
  /** A pool other-config key this port owns starts with this. */
  String PREFIX = "tandem.";

  /**
   * The node's settings with these pool values; empty with a reason when the pool holds a value that does not pass
   * the checks (the node keeps what it has and says so).
   */
  Applied settingsFor(Map<String, String> poolOtherConfig);

  record Applied(Optional<NodeSettings> settings, String problem) {}

  /** Every parameter: its value here, and where the value comes from. */
  List<Entry> effective(Map<String, String> poolOtherConfig);

  /**
   * @param source {@code default}, {@code pool} or {@code host file <path>}
   * @param live   a change reaches the running nodes at once; false: it takes effect when each node restarts
   */
  record Entry(String name, String value, String source, boolean live, String meaning) {}

  /**
   * Checks that {@code name} may be set to {@code value} pool-wide, with every other value as it is now.
   *
   * @return the pool key and its normalised value, or the problem (nothing is written then)
   */
  Check check(Map<String, String> poolOtherConfig, String name, String value);

  /**
   * @param key      the pool other-config key to write ({@code tandem.NAME}); empty when refused
   * @param value    the normalised value
   * @param problem  why it is refused; empty when accepted
   * @param warnings accepted, but the operator should know (e.g. overridden on this host, or POOL without a watchdog)
   */
  record Check(String name, String key, String value, String problem, List<String> warnings, boolean live) {
    public boolean ok() { return problem.isEmpty(); }
  }

  /** The defaults, by parameter name: what {@code config reset-defaults} writes back. */
  Map<String, String> defaults();

  /** A secret (FENCE_PASSWD, SMTP_PASS): never in the pool database, always masked. */
  boolean isSecret(String name);

  /**
   * The pool's values changed: kept on this host for the node's next start, so the settings that take a restart
   * are applied then even before XAPI answers. Blocking (a file write); throws when it cannot be kept.
   */
  default void remember(Map<String, String> poolOtherConfig) { }

  PoolConfig NONE = new PoolConfig() {
    @Override public Applied settingsFor(Map<String, String> pool) { return new Applied(Optional.empty(), ""); }
    @Override public List<Entry> effective(Map<String, String> pool) { return List.of(); }
    @Override public Check check(Map<String, String> pool, String name, String value) {
      return new Check(name, "", value, "this node has no pool configuration", List.of(), false);
    }
    @Override public Map<String, String> defaults() { return Map.of(); }
    @Override public boolean isSecret(String name) { return false; }
  };
}
