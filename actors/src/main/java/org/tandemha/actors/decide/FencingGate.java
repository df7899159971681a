package org.tandemha.actors.decide;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tandemha.protocol.QuorumVerdict;

/**
 * May this node request a fence of its peer now, after a delay, or must it refuse or suspend HA? HA-Lizard's
 * {@code fence_host} gate order (halizard-behaviour §2.6) plus what closes §10.1: a peer that any channel still
 * reaches is never fenced, quorum is always required, and in an exact tie (both sides may pass the IP heuristics)
 * the fence decides: the master's side fences at once, the slave's side waits FENCE_DELAY_SLAVE.
 */
public final class FencingGate {
  private FencingGate() {}

  /** FENCE_DELAY_SLAVE when unset. */
  public static final Duration DEFAULT_SLAVE_DELAY = Duration.ofSeconds(5);

  /** MASTER fences slaves; only the WINNER_SLAVE (autopromote winner) fences the master; any other SLAVE never. */
  public enum Role { MASTER, WINNER_SLAVE, SLAVE }

  /** POWER: an agent powers the peer off and reads the state back. POOL: HA-Lizard's DB edit, powers nothing off. */
  public enum Method { POWER, POOL }

  public enum Action { FENCE_NOW, FENCE_AFTER_DELAY, REFUSE, SUSPEND }

  /**
   * For {@code tandem status}: every fence this gate lets through is SAFE — a power fence read back off, or POOL
   * backed by the peer's self-fence watchdog with a strict majority here. POOL without a peer watchdog is never let
   * through (DESIGN.md's one rule: unreachable alone is never enough); the operator declares such a peer dead.
   */
  public enum Safety { SAFE }

  /**
   * What reaches the peer right now.
   *
   * @param cluster       the peer's node is heard in the cluster: directly, or its adverts relayed by another member
   *                      (a partial partition: cut from this node only, alive)
   * @param xapi          the peer's XAPI answers
   * @param icmp          the peer answers ping
   * @param drbdConnected per DRBD resource shared with the peer: is its replication link Connected
   */
  public record Channels(boolean cluster, boolean xapi, boolean icmp, Map<String, Boolean> drbdConnected) {
    public Channels { drbdConnected = Map.copyOf(drbdConnected); }

    /** Every channel down, no DRBD resource. */
    public static Channels allDown() { return new Channels(false, false, false, Map.of()); }
  }

  /**
   * @param role            this node's role towards the peer
   * @param armed           Tandem is armed on this node (disarmed = observe only)
   * @param fenceEnabled    FENCE_ENABLED
   * @param quorumRequired  FENCE_QUORUM_REQUIRED (Tandem requires quorum either way; 0 is only reported)
   * @param minHosts        FENCE_MIN_HOSTS
   * @param hosts           hosts in the pool, maintenance hosts included, counted the same on master and slave
   * @param quorum          this node's quorum verdict (quorate, exact tie)
   * @param witness         a witness node is configured
   * @param method          the fence method that would be used against the peer
   * @param peerWatchdog    the peer arms a self-fence watchdog
   * @param peer            the channels to the peer
   * @param peerEnabled     the peer's host is enabled; false = maintenance, never fenced
   * @param nativeHaEnabled XenServer's own pool HA is on
   * @param slaveDelay      FENCE_DELAY_SLAVE
   */
  public record Evidence(Role role, boolean armed, boolean fenceEnabled, boolean quorumRequired, int minHosts,
                         int hosts, QuorumVerdict quorum, boolean witness, Method method, boolean peerWatchdog,
                         Channels peer, boolean peerEnabled, boolean nativeHaEnabled, Duration slaveDelay) {
    public Evidence {
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(quorum, "quorum");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(slaveDelay, "slaveDelay");
      if (slaveDelay.isNegative()) throw new IllegalArgumentException("FENCE_DELAY_SLAVE must not be negative");
    }
  }

  /**
   * @param delay  how long to wait before fencing (zero unless FENCE_AFTER_DELAY)
   * @param safety what {@code tandem status} reports for a fence this gate lets through (SAFE when refused)
   * @param alert  an operator must be told (a refusal that needs a person)
   */
  public record Decision(Action action, Duration delay, Safety safety, boolean alert, String reason) {}

  public static Decision decide(Evidence e) {
    if (!e.armed()) return refuse("Tandem is disarmed on this node", false);
    if (e.nativeHaEnabled()) {
      return refuse("XenServer native pool HA is enabled: it fences on its own, Tandem will not act beside it", true);
    }
    if (!e.peerEnabled()) return refuse("peer is in maintenance (enabled=false): never fenced", false);
    if (e.role() == Role.SLAVE) return refuse("only the master or the autopromote winner may fence", false);

    List<String> reaching = reaching(e);
    if (!reaching.isEmpty()) {
      return refuse("peer still reachable via " + String.join(", ", reaching) + ": it is alive, not fenced", false);
    }
    if (!e.fenceEnabled()) return refuse("FENCE_ENABLED=0: manual intervention needed", e.role() == Role.WINNER_SLAVE);
    if (e.hosts() < e.minHosts()) {
      return refuse("pool has " + e.hosts() + " hosts, FENCE_MIN_HOSTS=" + e.minHosts(), e.role() == Role.WINNER_SLAVE);
    }
    QuorumVerdict q = e.quorum();
    if (!q.quorate()) {
      String why = "no quorum (" + q.reason() + ")"
          + (e.quorumRequired() ? "" : "; FENCE_QUORUM_REQUIRED=0 is not honoured, both sides could fence");
      return noMajority(e, why);
    }
    if (e.witness() && q.exactTie()) {
      return noMajority(e, "witness configured and quorum only from a tie-break: only the majority side fences");
    }
    if (e.method() == Method.POOL && !e.peerWatchdog()) {
      return refuse("POOL is not a fence (it powers nothing off) and the peer arms no self-fence watchdog: nothing "
          + "can confirm it gone, so Tandem takes nothing of it over; an operator must make sure it is off and "
          + "declare it dead (tandem host declare-dead), or configure a power fence or the peer's watchdog", true);
    }
    if (e.method() == Method.POOL && q.exactTie()) {
      return refuse("POOL with the peer's watchdog, but quorum only from a tie-break: the peer may pass the "
          + "heuristics too and keep feeding its watchdog; a witness or a power fence is needed", true);
    }
    Safety safety = Safety.SAFE;
    String backing = e.method() == Method.POWER ? "power fence with read-back"
        : "POOL backed by the peer's self-fence watchdog: taken over after its deadline";
    if (q.exactTie() && e.method() == Method.POWER) {
      if (e.role() == Role.MASTER) {
        return new Decision(Action.FENCE_NOW, Duration.ZERO, safety, false,
            "exact tie broken by heuristics: the master's side fences first; " + backing);
      }
      return new Decision(Action.FENCE_AFTER_DELAY, e.slaveDelay(), safety, false,
          "exact tie broken by heuristics: the slave's side waits FENCE_DELAY_SLAVE=" + e.slaveDelay().toSeconds()
              + "s so the master's fence wins a race; " + backing);
    }
    String quorumNote = q.exactTie() ? "exact tie broken by heuristics" : "quorate (" + q.reason() + ")";
    return new Decision(Action.FENCE_NOW, Duration.ZERO, safety, false,
        quorumNote + ", every channel to the peer down; " + backing);
  }

  private static List<String> reaching(Evidence e) {
    List<String> up = new ArrayList<>();
    if (e.peer().cluster()) up.add("cluster");
    if (e.peer().xapi()) up.add("XAPI");
    if (e.peer().icmp()) up.add("ICMP");
    if (e.method() == Method.POOL) {      // POOL powers nothing off: a live replication link means a live peer
      e.peer().drbdConnected().entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).sorted()
          .forEach(r -> up.add("DRBD " + r + " Connected"));
    }
    return up;
  }

  private static Decision noMajority(Evidence e, String why) {
    if (e.role() == Role.WINNER_SLAVE) {
      return new Decision(Action.SUSPEND, Duration.ZERO, Safety.SAFE, true,
          why + "; the winner cannot fence the master: HA suspended");
    }
    return refuse(why, false);
  }

  private static Decision refuse(String why, boolean alert) {
    return new Decision(Action.REFUSE, Duration.ZERO, Safety.SAFE, alert, why);
  }
}
