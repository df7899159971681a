package org.tandemha.actors.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tandemha.actors.decide.StorageReconcile.Action.*;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.actors.decide.StorageReconcile.Manual;
import org.tandemha.actors.decide.StorageReconcile.Peer;
import org.tandemha.actors.decide.StorageReconcile.Resource;

/** Issue #8 item 1: the one next step of the storage role, promote and demote in order, under the one rule. */
class StorageReconcileTest {
  static Resource sec(String n) { return new Resource(n, false, false, false, false); }          // peer unreachable
  static Resource secConnected(String n) { return new Resource(n, false, true, true, false); }   // peer Secondary
  static Resource secPeerPrimary(String n) { return new Resource(n, false, true, false, true); }
  static Resource pri(String n) { return new Resource(n, true, false, false, false); }

  static final class Ev {
    boolean master = true;
    Optional<Manual> manual = Optional.empty();
    Peer peer = Peer.GONE;
    List<Resource> res = List.of(sec("r0"), sec("r1"));
    boolean target, targetPresent, ipLocal, ipElsewhere, splitBrain;
    Ev slave() { master = false; return this; }
    Ev manual(Manual m) { manual = Optional.of(m); return this; }
    Ev peer(Peer p) { peer = p; return this; }
    Ev res(Resource... r) { res = List.of(r); return this; }
    Ev target() { target = true; return this; }
    Ev ip() { ipLocal = true; return this; }
    Ev ipElsewhere() { ipElsewhere = true; return this; }
    Ev splitBrain() { splitBrain = true; return this; }
    Ev hungTarget() { targetPresent = true; return this; }
    StorageReconcile.Evidence build() {
      return new StorageReconcile.Evidence(master, manual, peer, res, target, target || targetPresent, ipLocal, ipElsewhere,
          splitBrain);
    }
  }

  static Ev ev() { return new Ev(); }

  static Stream<Arguments> rows() {
    return Stream.of(
        // promote, in order, one step at a time
        Arguments.of("master, peer fenced: first resource",           ev(), PROMOTE, "r0"),
        Arguments.of("then the next resource",                         ev().res(pri("r0"), sec("r1")), PROMOTE, "r1"),
        Arguments.of("every resource Primary: start the target",       ev().res(pri("r0"), pri("r1")), START_TARGET, null),
        Arguments.of("target up: add the IP",                          ev().res(pri("r0"), pri("r1")).target(), ADD_IP, null),
        Arguments.of("all done",                                       ev().res(pri("r0"), pri("r1")).target().ip(), NOTHING, null),
        Arguments.of("target down again: restarted, IP stays",         ev().res(pri("r0"), pri("r1")).ip(), START_TARGET, null),
        // the one rule
        Arguments.of("peer unreachable, not fenced: blocked",          ev().peer(Peer.UNKNOWN), BLOCKED, null),
        Arguments.of("peer reachable, not demoted: blocked",           ev().peer(Peer.NOT_DEMOTED), BLOCKED, null),
        Arguments.of("peer demoted (its node says so): promote",       ev().peer(Peer.DEMOTED), PROMOTE, "r0"),
        Arguments.of("DRBD connected, peer Secondary: promote",        ev().peer(Peer.UNKNOWN).res(secConnected("r0")), PROMOTE, "r0"),
        Arguments.of("DRBD Secondary but its node says it holds: blocked", ev().peer(Peer.NOT_DEMOTED).res(secConnected("r0")), BLOCKED, null),
        Arguments.of("peer reads Primary: blocked even if fenced",     ev().res(secPeerPrimary("r0")), BLOCKED, null),
        Arguments.of("second resource's peer Primary: blocked there",  ev().res(pri("r0"), secPeerPrimary("r1")), BLOCKED, null),
        Arguments.of("split brain: no automatic promotion",            ev().splitBrain(), BLOCKED, null),
        Arguments.of("split brain, already primary: target still up",  ev().splitBrain().res(pri("r0")), START_TARGET, null),
        Arguments.of("IP answers elsewhere: not added",                ev().res(pri("r0")).target().ipElsewhere(), BLOCKED, null),
        // demote, in reverse
        Arguments.of("slave with the IP: remove it first",            ev().slave().res(pri("r0"), pri("r1")).target().ip(), REMOVE_IP, null),
        Arguments.of("then stop the target",                           ev().slave().res(pri("r0"), pri("r1")).target(), STOP_TARGET, null),
        Arguments.of("a hung target (present, not serving) is stopped", ev().slave().res(pri("r0")).hungTarget(), STOP_TARGET, null),
        Arguments.of("then the last resource first",                   ev().slave().res(pri("r0"), pri("r1")), DEMOTE, "r1"),
        Arguments.of("then the first",                                 ev().slave().res(pri("r0"), sec("r1")), DEMOTE, "r0"),
        Arguments.of("slave, all secondary: nothing",                  ev().slave(), NOTHING, null),
        Arguments.of("slave never promotes, peer fenced or not",       ev().slave().peer(Peer.GONE), NOTHING, null),
        // manual mode
        Arguments.of("manual hold: nothing, whatever the pool says",  ev().manual(Manual.HOLD).res(pri("r0")), NOTHING, null),
        Arguments.of("manual primary on a slave: promote",             ev().slave().manual(Manual.PRIMARY).peer(Peer.DEMOTED), PROMOTE, "r0"),
        Arguments.of("manual primary keeps the one rule",              ev().slave().manual(Manual.PRIMARY).peer(Peer.UNKNOWN), BLOCKED, null),
        Arguments.of("manual secondary on the master: demote",         ev().manual(Manual.SECONDARY).res(pri("r0")).target().ip(), REMOVE_IP, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void nextStep(String name, Ev e, StorageReconcile.Action action, String resource) {
    StorageReconcile.Step s = StorageReconcile.next(e.build());
    assertEquals(action, s.action(), s.reason());
    assertEquals(Optional.ofNullable(resource), s.resource(), s.reason());
  }
}
