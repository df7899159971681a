package org.tandemha.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.tandemha.actors.decide.ManualMode;
import org.tandemha.actors.port.Clock;
import org.tandemha.actors.port.StoragePort;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HostId;

/**
 * Issue #8 item 1: the reconcile loop against an in-memory storage that keeps DRBD's rule (no Primary beside a
 * Primary peer): promote in order after a confirmed fence, never without one, a failed step stops the sequence
 * and is journaled, a slave demotes in reverse, manual mode is journaled and drives the role.
 */
class StorageRoleActorTest {
  static final ActorTestKit testKit = ActorTestKit.create("StorageRoleActorTest");
  static final ExecutorService io = Executors.newCachedThreadPool();
  static final HostId SELF = new HostId("3f9a2c1e-5b7d-4e8f-a1c3-000000000a01");
  static final HostId PEER = new HostId("3f9a2c1e-5b7d-4e8f-a1c3-000000000a02");

  @AfterAll static void shutdown() {
    testKit.shutdownTestKit();
    io.shutdownNow();
  }

  /** DRBD, target and IP in memory; every call recorded. */
  static final class FakeStorage implements StoragePort {
    final Map<String, Boolean> primary = Collections.synchronizedMap(new LinkedHashMap<>());
    volatile String peerRole = "Unknown";
    volatile String connection = "Connecting";
    volatile boolean target, ip, targetBroken, splitBrain, ipStuck;
    final List<String> calls = new CopyOnWriteArrayList<>();

    FakeStorage(String... resources) { for (String r : resources) primary.put(r, false); }

    @Override public String describe() { return "fake " + primary.keySet(); }
    @Override public Observed observe() {
      List<Resource> rs = new ArrayList<>();
      synchronized (primary) {
        primary.forEach((n, p) -> rs.add(new Resource(n, p ? "Primary" : "Secondary", List.of("UpToDate"), connection,
            peerRole, List.of(), splitBrain)));
      }
      return new Observed(rs, target, ip);
    }
    @Override public boolean floatingIpAnswersElsewhere() { return false; }
    @Override public void promote(String r) {
      calls.add("promote " + r);
      if (peerRole.equals("Primary")) throw new StorageError("drbdadm primary " + r + ": peer is Primary");
      primary.put(r, true);
    }
    @Override public void demote(String r) { calls.add("demote " + r); primary.put(r, false); }
    @Override public void startTarget() {
      calls.add("start target");
      if (targetBroken) throw new StorageError("tgtd: exit 1: cannot bind 10.77.0.100:3260");
      target = true;
    }
    @Override public void stopTarget() { calls.add("stop target"); target = false; }
    @Override public void addFloatingIp() { calls.add("add ip"); ip = true; }
    @Override public void removeFloatingIp() {
      calls.add("remove ip");
      if (ipStuck) throw new StorageError("ip addr del 10.77.0.100/24 dev eth0: exit 2: RTNETLINK answers: busy");
      ip = false;
    }
    @Override public void resolveSplitBrain(String r, boolean survivor) {
      calls.add("resolve " + r + (survivor ? " as survivor" : " as victim"));
      splitBrain = false;
    }
  }

  record Node(ActorRef<StorageRoleActor.Command> actor, List<HaEvent> events) {}

  /** What the actor showed in the pool's MANUAL_MODE, in order. */
  static final List<String> shown = new CopyOnWriteArrayList<>();

  static Node node(FakeStorage storage, String manual) {
    return node(storage, manual, java.util.Set.of());
  }

  static Node node(FakeStorage storage, String manual, java.util.Set<HostId> peers) {
    List<HaEvent> events = new CopyOnWriteArrayList<>();
    ActorRef<HaJournal.Command> journal = testKit.spawn(HaJournal.standIn(events, manual));
    return new Node(testKit.spawn(StorageRoleActor.create(SELF, storage, "10.77.0.100", peers, journal,
        Clock.system(), io, shown::add)), events);
  }

  static List<String> types(Node n) { return n.events().stream().map(e -> e.getClass().getSimpleName()).toList(); }

  static void await(String what, java.util.function.BooleanSupplier ok) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("not within 10 s: " + what);
      Thread.sleep(20);
    }
  }

  @Test
  void aMasterPromotesInOrderOnlyAfterTheFence() throws Exception {
    FakeStorage s = new FakeStorage("r0", "r1");
    Node n = node(s, null);
    n.actor().tell(new StorageRoleActor.PoolRole(true, java.util.Set.of(PEER)));
    await("held back, journaled", () -> types(n).contains("StorageBlocked"));
    Thread.sleep(1500);
    assertEquals(List.of(), s.calls, "nothing promoted while the peer is neither fenced nor demoted");
    assertEquals(1, types(n).stream().filter("StorageBlocked"::equals).count(), "the reason journaled once");

    n.actor().tell(new StorageRoleActor.PeerFenced(PEER));
    await("primary with target and IP", () -> s.ip);
    assertEquals(List.of("promote r0", "promote r1", "start target", "add ip"), s.calls);
    assertEquals(4, types(n).stream().filter("StorageStep"::equals).count(), types(n).toString());
  }

  @Test
  void theGuardianIsToldWhenThisHostServesTheWholeRoleAndWhenItStops() throws Exception {
    FakeStorage s = new FakeStorage("r0");
    List<Boolean> serving = new CopyOnWriteArrayList<>();
    ActorRef<HaJournal.Command> journal = testKit.spawn(HaJournal.standIn(new CopyOnWriteArrayList<>(), null));
    ActorRef<StorageRoleActor.Command> a = testKit.spawn(StorageRoleActor.create(SELF, s, "10.77.0.100",
        java.util.Set.of(), journal, Clock.system(), io, shown::add, serving::add));
    a.tell(new StorageRoleActor.PoolRole(true, java.util.Set.of(PEER)));
    await("the first reading told", () -> !serving.isEmpty());
    assertEquals(List.of(false), serving, "Secondary: not serving");
    a.tell(new StorageRoleActor.PeerFenced(PEER));
    await("serving once the floating IP is up", () -> serving.contains(true));
    assertTrue(s.ip, "told only with the IP up: target and Primary come before it");
    a.tell(new StorageRoleActor.PoolRole(false, java.util.Set.of(PEER)));
    await("no longer serving once demoted", () -> serving.size() == 3);
    assertEquals(List.of(false, true, false), serving);
  }

  @Test
  void aFailedStepStopsTheSequenceNothingHalfPromotedGoesUnreported() throws Exception {
    FakeStorage s = new FakeStorage("r0");
    s.targetBroken = true;
    Node n = node(s, null);
    n.actor().tell(new StorageRoleActor.PoolRole(true, java.util.Set.of(PEER)));
    n.actor().tell(new StorageRoleActor.PeerFenced(PEER));
    await("the target failed, journaled", () -> types(n).contains("StorageStepFailed"));
    Thread.sleep(2500);
    assertFalse(s.ip, "no IP without the target");
    assertEquals("promote r0", s.calls.get(0));
    assertTrue(s.calls.subList(1, s.calls.size()).stream().allMatch("start target"::equals), s.calls.toString());
    assertTrue(s.calls.size() >= 3 && s.calls.size() <= 4, "retried after 1 s, then 2 s: " + s.calls);
    TestProbe<StorageRoleActor.Status> status = testKit.createTestProbe();
    n.actor().tell(new StorageRoleActor.GetStatus(status.ref()));
    StorageRoleActor.Status st = status.receiveMessage();
    assertTrue(st.lastError().contains("cannot bind"), st.toString());
    assertTrue(st.lastStep().contains("START_TARGET") && st.lastStep().contains("FAILED"), st.toString());
  }

  @Test
  void aTakeoverRidesOutAPassingFailureAndIsToldOfALastingOne() throws Exception {
    FakeStorage s = new FakeStorage("r0");
    s.targetBroken = true;
    Node n = node(s, null);
    n.actor().tell(new StorageRoleActor.PoolRole(false, java.util.Set.of(PEER)));
    TestProbe<StorageRoleActor.TakeOverResult> done = testKit.createTestProbe();
    n.actor().tell(new StorageRoleActor.TakeOver(PEER, done.ref()));
    await("the target failed once", () -> types(n).contains("StorageStepFailed"));
    s.targetBroken = false;   // a passing hiccup: the retry after 1 s starts it
    StorageRoleActor.TakeOverResult r = done.receiveMessage(Duration.ofSeconds(10));
    assertTrue(r.primary(), r.detail());

    FakeStorage t = new FakeStorage("r0");
    t.targetBroken = true;
    Node m = node(t, null);
    m.actor().tell(new StorageRoleActor.PoolRole(false, java.util.Set.of(PEER)));
    m.actor().tell(new StorageRoleActor.TakeOver(PEER, done.ref()));
    StorageRoleActor.TakeOverResult failed = done.receiveMessage(Duration.ofSeconds(15));
    assertFalse(failed.primary());
    assertTrue(failed.detail().contains("START_TARGET") && failed.detail().contains("3 tries"), failed.detail());
  }

  @Test
  void onlyTheConfiguredStoragePeersHoldThePromotionBack() throws Exception {
    HostId compute = new HostId("3f9a2c1e-5b7d-4e8f-a1c3-000000000a03");   // a third host with no storage
    FakeStorage s = new FakeStorage("r0");
    Node n = node(s, null, java.util.Set.of(PEER));
    n.actor().tell(new StorageRoleActor.PoolRole(true, java.util.Set.of(PEER, compute)));
    n.actor().tell(new StorageRoleActor.PeerFenced(PEER));
    await("promoted: the unheard compute host is no storage peer", () -> s.ip);

    FakeStorage t = new FakeStorage("r0");
    Node m = node(t, null);   // peers not configured: every other pool host counts
    m.actor().tell(new StorageRoleActor.PoolRole(true, java.util.Set.of(PEER, compute)));
    m.actor().tell(new StorageRoleActor.PeerFenced(PEER));
    await("held back", () -> types(m).contains("StorageBlocked"));
    assertFalse(t.ip);
  }

  @Test
  void theFencingGateHearsEachReplicationLink() throws Exception {
    FakeStorage s = new FakeStorage("r0", "r1");
    s.connection = "Connected";
    Node n = node(s, null);
    n.actor().tell(new StorageRoleActor.PoolRole(false, java.util.Set.of(PEER)));
    StorageRoleHandOver handOver = new StorageRoleHandOver(n.actor(), testKit.system(), "test");
    await("read", () -> handOver.replicationLinks(PEER).containsKey("r0"));
    assertEquals(Map.of(), handOver.replicationLinks(new HostId("3f9a2c1e-5b7d-4e8f-a1c3-000000000a09")),
        "no DRBD link judges a host that replicates nothing");
    assertEquals(Map.of("r0", true, "r1", true), handOver.replicationLinks(PEER), "a live link: the peer is alive");
    s.connection = "Connecting";
    await("links down", () -> handOver.replicationLinks(PEER).equals(Map.of("r0", false, "r1", false)));
  }

  @Test
  void aSplitBrainSurvivorMustBeThisHostOrAStoragePeer() throws Exception {
    FakeStorage s = new FakeStorage("r0");
    s.splitBrain = true;
    Node n = node(s, null);
    n.actor().tell(new StorageRoleActor.PoolRole(false, java.util.Set.of(PEER)));
    await("recorded", () -> types(n).contains("SplitBrain"));
    TestProbe<StorageRoleActor.Answer> answer = testKit.createTestProbe();
    HostId stranger = new HostId("3f9a2c1e-5b7d-4e8f-a1c3-000000000a99");
    n.actor().tell(new StorageRoleActor.ResolveSplitBrain(stranger, "test", answer.ref()));
    StorageRoleActor.Answer a = answer.receiveMessage(Duration.ofSeconds(5));
    assertFalse(a.ok());
    assertTrue(a.lines().get(0).contains("neither this host"), a.lines().toString());
    assertFalse(s.calls.stream().anyMatch(c -> c.startsWith("resolve")));
    assertFalse(types(n).contains("StorageStep"), "nothing journaled: " + types(n));
  }

  @Test
  void aSlaveDemotesInReverseAndTheTakeoverWaitsForPrimary() throws Exception {
    FakeStorage s = new FakeStorage("r0", "r1");
    s.primary.put("r0", true);
    s.primary.put("r1", true);
    s.target = true;
    s.ip = true;
    Node n = node(s, null);
    n.actor().tell(new StorageRoleActor.PoolRole(false, java.util.Set.of(PEER)));
    await("demoted", () -> !s.primary.get("r0"));
    assertEquals(List.of("remove ip", "stop target", "demote r1", "demote r0"), s.calls);

    s.calls.clear();
    TestProbe<StorageRoleActor.TakeOverResult> done = testKit.createTestProbe();
    n.actor().tell(new StorageRoleActor.TakeOver(PEER, done.ref()));
    StorageRoleActor.TakeOverResult r = done.receiveMessage(Duration.ofSeconds(10));
    assertTrue(r.primary(), r.detail());
    assertEquals(List.of("promote r0", "promote r1", "start target", "add ip"), s.calls);
  }

  @Test
  void aPeerThatReadsPrimaryIsNeverJoined() throws Exception {
    FakeStorage s = new FakeStorage("r0");
    s.peerRole = "Primary";
    s.connection = "Connected";
    Node n = node(s, null);
    n.actor().tell(new StorageRoleActor.PoolRole(true, java.util.Set.of(PEER)));
    n.actor().tell(new StorageRoleActor.PeerFenced(PEER));
    await("held back", () -> types(n).contains("StorageBlocked"));
    Thread.sleep(1200);
    assertEquals(List.of(), s.calls);
  }

  @Test
  void manualModeIsJournaledAndDrivesTheRole() throws Exception {
    FakeStorage s = new FakeStorage("r0");
    s.primary.put("r0", true);
    s.target = true;
    s.ip = true;
    Node n = node(s, "hold");   // as journaled before a restart
    n.actor().tell(new StorageRoleActor.PoolRole(false, java.util.Set.of(PEER)));
    Thread.sleep(1500);
    assertEquals(List.of(), s.calls, "manual hold: a slave keeps its role");

    TestProbe<ManualMode.Outcome> out = testKit.createTestProbe();
    n.actor().tell(new StorageRoleActor.Manual(ManualMode.Verb.DISABLE, "test", out.ref()));
    ManualMode.Outcome refused = out.receiveMessage();
    assertFalse(refused.accepted(), "Primary on a slave: disable refused " + refused.lines());

    n.actor().tell(new StorageRoleActor.Manual(ManualMode.Verb.BECOME_SECONDARY, "test", out.ref()));
    assertTrue(out.receiveMessage().accepted());
    await("demoted", () -> !s.primary.get("r0"));
    assertTrue(n.events().stream().anyMatch(e -> e instanceof HaEvent.StorageManualMode m && m.mode().equals("secondary")),
        types(n).toString());
    n.actor().tell(new StorageRoleActor.Manual(ManualMode.Verb.DISABLE, "test", out.ref()));
    assertTrue(out.receiveMessage().accepted(), "secondary slave: back to automatic");
    await("shown in the pool", () -> shown.contains("secondary") && shown.contains("automatic"));
  }

  @Test
  void aStuckFloatingIpStopsTheDemotionThereAndIsReported() throws Exception {
    FakeStorage s = new FakeStorage("r0");
    s.primary.put("r0", true);
    s.target = true;
    s.ip = true;
    s.ipStuck = true;
    Node n = node(s, null);
    n.actor().tell(new StorageRoleActor.PoolRole(false, java.util.Set.of(PEER)));
    await("the removal failed, journaled", () -> types(n).contains("StorageStepFailed"));
    Thread.sleep(1500);
    assertTrue(s.calls.stream().allMatch("remove ip"::equals), "target and DRBD left as they are while the IP is "
        + "stuck, the removal retried: " + s.calls);
    assertTrue(s.target && s.primary.get("r0"));
    TestProbe<StorageRoleActor.Status> status = testKit.createTestProbe();
    n.actor().tell(new StorageRoleActor.GetStatus(status.ref()));
    String screen = String.join("\n", StorageScreen.lines(status.receiveMessage(), java.time.Instant.now()));
    assertTrue(screen.contains("LAST ERROR: REMOVE_IP") && screen.contains("floating IP: here [expected not here]"), screen);
  }

  @Test
  void aSplitBrainStopsPromotionIsJournaledOnceAndResolvedByAnOperator() throws Exception {
    FakeStorage s = new FakeStorage("r0");
    s.splitBrain = true;
    Node n = node(s, null);
    n.actor().tell(new StorageRoleActor.PoolRole(true, java.util.Set.of(PEER)));
    n.actor().tell(new StorageRoleActor.PeerFenced(PEER));
    await("recorded and held back", () -> types(n).contains("SplitBrain") && types(n).contains("StorageBlocked"));
    Thread.sleep(1200);
    assertEquals(List.of(), s.calls, "no automatic promotion during a split brain");
    assertEquals(1, types(n).stream().filter("SplitBrain"::equals).count());

    TestProbe<StorageRoleActor.Answer> answer = testKit.createTestProbe();
    n.actor().tell(new StorageRoleActor.ResolveSplitBrain(SELF, "test", answer.ref()));
    StorageRoleActor.Answer a = answer.receiveMessage(Duration.ofSeconds(5));
    assertTrue(a.ok(), a.lines().toString());
    await("promoted once resolved", () -> s.ip);
    assertEquals("resolve r0 as survivor", s.calls.get(0));
    assertTrue(n.events().stream().anyMatch(e -> e instanceof HaEvent.StorageStep st
        && st.action().equals("RESOLVE_SPLIT_BRAIN")), "journaled before DRBD was touched: " + types(n));
    assertTrue(n.events().stream().anyMatch(e -> e instanceof HaEvent.SplitBrain b && !b.detected()), types(n).toString());
    n.actor().tell(new StorageRoleActor.ResolveSplitBrain(PEER, "test", answer.ref()));
    assertFalse(answer.receiveMessage(Duration.ofSeconds(5)).ok(), "nothing left to resolve");
  }

  @Test
  void theVictimMustBeDemotedBeforeItDiscardsItsData() throws Exception {
    FakeStorage s = new FakeStorage("r0");
    s.primary.put("r0", true);
    s.splitBrain = true;
    Node n = node(s, "hold");
    await("read", () -> { TestProbe<StorageRoleActor.Status> p = testKit.createTestProbe();
      n.actor().tell(new StorageRoleActor.GetStatus(p.ref())); return p.receiveMessage().observed().isPresent(); });
    TestProbe<StorageRoleActor.Answer> answer = testKit.createTestProbe();
    n.actor().tell(new StorageRoleActor.ResolveSplitBrain(PEER, "test", answer.ref()));
    StorageRoleActor.Answer a = answer.receiveMessage(Duration.ofSeconds(5));
    assertFalse(a.ok());
    assertTrue(a.lines().get(0).contains("demote it first"), a.lines().toString());
    assertFalse(s.calls.stream().anyMatch(c -> c.startsWith("resolve")));
  }

  @Test
  void nothingIsDoneBeforeThePoolRoleIsKnown() throws Exception {
    FakeStorage s = new FakeStorage("r0");   // a serving master whose node just restarted
    s.primary.put("r0", true);
    s.target = true;
    s.ip = true;
    node(s, null);
    Thread.sleep(2500);
    assertEquals(List.of(), s.calls, "not demoted while the pool role is unknown");
  }

  @Test
  void aFencedHostThatRejoinsIsJudgedByItsAdvertsAgain() throws Exception {
    FakeStorage s = new FakeStorage("r0");
    Node n = node(s, null);
    n.actor().tell(new StorageRoleActor.PeerFenced(PEER));
    n.actor().tell(new StorageRoleActor.PeerBack(PEER));   // its node is back before this host wanted the role
    n.actor().tell(new StorageRoleActor.PoolRole(true, java.util.Set.of(PEER)));
    await("held back", () -> types(n).contains("StorageBlocked"));
    Thread.sleep(1200);
    assertEquals(List.of(), s.calls, "a rejoined peer is not gone");
  }
}
