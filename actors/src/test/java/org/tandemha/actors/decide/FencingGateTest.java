package org.tandemha.actors.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tandemha.actors.decide.FencingGate.Action.FENCE_AFTER_DELAY;
import static org.tandemha.actors.decide.FencingGate.Action.FENCE_NOW;
import static org.tandemha.actors.decide.FencingGate.Action.REFUSE;
import static org.tandemha.actors.decide.FencingGate.Action.SUSPEND;
import static org.tandemha.actors.decide.FencingGate.Safety.SAFE;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.actors.decide.FencingGate.Channels;
import org.tandemha.actors.decide.FencingGate.Method;
import org.tandemha.actors.decide.FencingGate.Role;
import org.tandemha.protocol.QuorumVerdict;

class FencingGateTest {
  // quorum verdicts as Quorum.evaluate gives them
  static final QuorumVerdict MAJORITY = Quorum.evaluate(new Quorum.Evidence(3, 2, false, false));
  static final QuorumVerdict TIE_BROKEN = Quorum.evaluate(new Quorum.Evidence(2, 1, true, true));
  static final QuorumVerdict TIE_LOST = Quorum.evaluate(new Quorum.Evidence(2, 1, true, false));
  static final QuorumVerdict WITNESS_MAJORITY = Quorum.evaluate(new Quorum.Evidence(2, 1, 1, 1, false, false));
  static final QuorumVerdict WITNESS_MINORITY = Quorum.evaluate(new Quorum.Evidence(2, 1, 1, 0, true, true));
  static final QuorumVerdict WITNESS_TIE_BROKEN = Quorum.evaluate(new Quorum.Evidence(2, 1, 2, 1, true, true));
  static final Duration FIVE = FencingGate.DEFAULT_SLAVE_DELAY;

  /** A 2-host pool, armed, fencing on, every channel to the peer down, quorum from a clear majority. */
  static final class Ev {
    Role role = Role.MASTER; boolean armed = true, fenceEnabled = true, quorumRequired = true;
    int minHosts = 2, hosts = 2; QuorumVerdict quorum = MAJORITY; boolean witness = false;
    Method method = Method.POWER; boolean watchdog = false; Channels peer = Channels.allDown();
    boolean peerEnabled = true, nativeHa = false; Duration delay = FIVE;

    Ev role(Role r) { role = r; return this; }
    Ev disarmed() { armed = false; return this; }
    Ev fencingOff() { fenceEnabled = false; return this; }
    Ev quorumNotRequired() { quorumRequired = false; return this; }
    Ev hosts(int n, int min) { hosts = n; minHosts = min; return this; }
    Ev quorum(QuorumVerdict q) { quorum = q; return this; }
    Ev witness(QuorumVerdict q) { witness = true; quorum = q; return this; }
    Ev pool() { method = Method.POOL; return this; }
    Ev watchdog() { watchdog = true; return this; }
    Ev peer(boolean cluster, boolean xapi, boolean icmp, Map<String, Boolean> drbd) {
      peer = new Channels(cluster, xapi, icmp, drbd); return this;
    }
    Ev maintenance() { peerEnabled = false; return this; }
    Ev nativeHa() { nativeHa = true; return this; }
    Ev delay(int s) { delay = Duration.ofSeconds(s); return this; }
    FencingGate.Evidence build() {
      return new FencingGate.Evidence(role, armed, fenceEnabled, quorumRequired, minHosts, hosts, quorum, witness,
          method, watchdog, peer, peerEnabled, nativeHa, delay);
    }
  }

  static Ev master() { return new Ev(); }
  static Ev winner() { return new Ev().role(Role.WINNER_SLAVE); }
  static Ev slave() { return new Ev().role(Role.SLAVE); }

  static final Map<String, Boolean> R0_UP = Map.of("r0", true);
  static final Map<String, Boolean> R0_DOWN_R1_UP = Map.of("r0", false, "r1", true);
  static final Map<String, Boolean> ALL_DRBD_DOWN = Map.of("r0", false, "r1", false);

  static Stream<Arguments> cases() {
    return Stream.of(
        // general gates
        Arguments.of("disarmed: never",                                     master().disarmed(), REFUSE, SAFE, 0),
        Arguments.of("disarmed winner: never, and no suspension",           winner().disarmed().quorum(TIE_LOST), REFUSE, SAFE, 0),
        Arguments.of("§3.3.4 native XenServer HA on: refuse and alert",     master().nativeHa(), REFUSE, SAFE, 0),
        Arguments.of("§2.3 peer in maintenance is never fenced",            master().maintenance(), REFUSE, SAFE, 0),
        Arguments.of("§2.9 a slave that is not the winner never fences",    slave(), REFUSE, SAFE, 0),
        // §2.6 gate order
        Arguments.of("§2.6.3 quorum required, not quorate: master refuses", master().quorum(TIE_LOST), REFUSE, SAFE, 0),
        Arguments.of("§2.6.3 FENCE_QUORUM_REQUIRED=0 still needs quorum",   master().quorumNotRequired().quorum(TIE_LOST), REFUSE, SAFE, 0),
        Arguments.of("§2.6.4 noSAN guard: POOL, DRBD r0 Connected",         master().pool().peer(false, false, false, R0_UP), REFUSE, SAFE, 0),
        Arguments.of("§2.6.4 every DRBD resource counts, not only the first", master().pool().peer(false, false, false, R0_DOWN_R1_UP), REFUSE, SAFE, 0),
        Arguments.of("§2.6.4 POWER fence is not blocked by a DRBD link",    master().peer(false, false, false, R0_UP), FENCE_NOW, SAFE, 0),
        Arguments.of("§2.6.5 slave counts every pool host: 2 >= min 2",     winner().hosts(2, 2), FENCE_NOW, SAFE, 0),
        Arguments.of("§2.6.6 FENCE_ENABLED=0: master refuses",              master().fencingOff(), REFUSE, SAFE, 0),
        Arguments.of("§2.6.6 hosts below FENCE_MIN_HOSTS: refuse",          master().hosts(2, 3), REFUSE, SAFE, 0),
        Arguments.of("§2.6.6 all gates pass: fence now",                    master().hosts(3, 3), FENCE_NOW, SAFE, 0),
        Arguments.of("§2.6.7 not allowed (blocked): refuse, no fence",      master().fencingOff().quorum(TIE_LOST), REFUSE, SAFE, 0),
        Arguments.of("§2.6.8 allowed, POOL with watchdog: fence now",       master().pool().watchdog().peer(false, false, false, ALL_DRBD_DOWN), FENCE_NOW, SAFE, 0),
        // channels: never against a peer any named channel still reaches
        Arguments.of("cluster still reaches the peer",                      master().peer(true, false, false, Map.of()), REFUSE, SAFE, 0),
        Arguments.of("XAPI still answers",                                  master().peer(false, true, false, Map.of()), REFUSE, SAFE, 0),
        Arguments.of("POOL, no peer watchdog, every channel down: refuse, alert (not a fence)", master().pool().peer(false, false, false, ALL_DRBD_DOWN), REFUSE, SAFE, 0),
        // §3.4 / §3.7 winner slave against the master
        Arguments.of("§3.4.5d winner, quorate, power: fence now",           winner(), FENCE_NOW, SAFE, 0),
        Arguments.of("§3.4.5d fence rc 2: DRBD still Connected, refuse",    winner().pool().peer(false, false, false, R0_UP), REFUSE, SAFE, 0),
        Arguments.of("§3.7 winner without quorum: suspend, no reboot",      winner().quorum(TIE_LOST), SUSPEND, SAFE, 0),
        Arguments.of("§3.4.5e FENCE_ENABLED=0: winner refuses, no cleanup", winner().fencingOff(), REFUSE, SAFE, 0),
        Arguments.of("§3.4.5d NUM_HOSTS<=1: winner refuses, no fall-through", winner().hosts(1, 2), REFUSE, SAFE, 0),
        // exact tie: the fence decides
        Arguments.of("tie, power: the master's side fences at once",        master().quorum(TIE_BROKEN), FENCE_NOW, SAFE, 0),
        Arguments.of("§10.1.2 symmetric partition, power: slave waits the delay", winner().quorum(TIE_BROKEN), FENCE_AFTER_DELAY, SAFE, 5),
        Arguments.of("tie, power, FENCE_DELAY_SLAVE=12",                    winner().quorum(TIE_BROKEN).delay(12), FENCE_AFTER_DELAY, SAFE, 12),
        Arguments.of("tie, POOL, no watchdog, all down: refuse (not a fence)", winner().pool().quorum(TIE_BROKEN).peer(false, false, false, ALL_DRBD_DOWN), REFUSE, SAFE, 0),
        Arguments.of("tie, POOL with peer watchdog: refuse (peer may be tie-quorate, feeding)", winner().pool().watchdog().quorum(TIE_BROKEN).peer(false, false, false, ALL_DRBD_DOWN), REFUSE, SAFE, 0),
        Arguments.of("tie, POOL with peer watchdog, master's side: refuse too", master().pool().watchdog().quorum(TIE_BROKEN), REFUSE, SAFE, 0),
        Arguments.of("tie, POOL, DRBD link still Connected: refuse",        winner().pool().quorum(TIE_BROKEN).peer(false, false, false, R0_UP), REFUSE, SAFE, 0),
        Arguments.of("§10.1.1 POOL, peer's XAPI hung but ICMP answers: refuse", winner().pool().quorum(TIE_BROKEN).peer(false, false, true, Map.of()), REFUSE, SAFE, 0),
        // witness: only the majority side fences
        Arguments.of("witness majority, POOL without peer watchdog: refuse", winner().pool().witness(WITNESS_MAJORITY), REFUSE, SAFE, 0),
        Arguments.of("witness majority, POOL with peer watchdog: fence (await its deadline)", winner().pool().watchdog().witness(WITNESS_MAJORITY), FENCE_NOW, SAFE, 0),
        Arguments.of("witness majority, power: fence now, no delay",        winner().witness(WITNESS_MAJORITY), FENCE_NOW, SAFE, 0),
        Arguments.of("witness minority, heuristics pass: winner suspends",  winner().witness(WITNESS_MINORITY), SUSPEND, SAFE, 0),
        Arguments.of("witness, quorum only by tie-break: winner suspends",  winner().witness(WITNESS_TIE_BROKEN), SUSPEND, SAFE, 0),
        Arguments.of("witness, quorum only by tie-break: master refuses",   master().witness(WITNESS_TIE_BROKEN), REFUSE, SAFE, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gates(String name, Ev ev, FencingGate.Action action, FencingGate.Safety safety, int delaySeconds) {
    FencingGate.Decision d = FencingGate.decide(ev.build());
    assertEquals(action, d.action(), d::reason);
    assertEquals(safety, d.safety(), d::reason);
    assertEquals(Duration.ofSeconds(delaySeconds), d.delay(), d::reason);
  }

  @Test
  void nativeHaAndSuspensionAlertAnOperator() {
    assertEquals(true, FencingGate.decide(master().nativeHa().build()).alert());
    assertEquals(true, FencingGate.decide(winner().quorum(TIE_LOST).build()).alert());
    assertEquals(false, FencingGate.decide(master().disarmed().build()).alert());
  }
}
