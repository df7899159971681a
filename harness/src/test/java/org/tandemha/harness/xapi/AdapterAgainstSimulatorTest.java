package org.tandemha.harness.xapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.VM;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandemha.actors.port.Clock;
import org.tandemha.actors.port.XapiPort;
import org.tandemha.actors.port.XapiUnreachable;
import org.tandemha.controller.xapi.SdkXapiAdapter;
import org.tandemha.controller.xapi.XapiConnections;
import org.tandemha.harness.sim.HostSpec;
import org.tandemha.harness.sim.SimPool;
import org.tandemha.harness.sim.SimPoolSpec;
import org.tandemha.harness.sim.VmSpec;
import org.tandemha.harness.sim.XapiSimServer;

/** Tandem's XAPI adapter against the simulator: events, hung hosts, hostile replies (issue #3). */
class AdapterAgainstSimulatorTest {
  static final String MASTER = "ada00000-0000-4000-8000-00000000000a";
  static final String SLAVE = "ada00000-0000-4000-8000-00000000000b";
  static final String VM_UUID = "ada00000-0000-4000-8000-0000000000c1";
  static final String ADDR_MASTER = "127.0.0.71";
  static final String ADDR_SLAVE = "127.0.0.72";
  static final String PASSWORD = "adapter-test";
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);

  static SimPool pool;
  static XapiSimServer sim;
  static ActorTestKit kit;

  @BeforeAll static void start() throws Exception {
    pool = new SimPool(new SimPoolSpec("ada00000-0000-4000-8000-0000000000f0", "adapter-pool",
        List.of(new HostSpec(MASTER, "xcp-a", ADDR_MASTER), new HostSpec(SLAVE, "xcp-b", ADDR_SLAVE)), MASTER,
        List.of(new VmSpec(VM_UUID, "web-01", "Running", MASTER, Map.of(), 0, 0)), Map.of(), "root", PASSWORD,
        Duration.ofMillis(200), Duration.ofMillis(200)));
    pool.setHangMax(Duration.ofSeconds(20));
    sim = new XapiSimServer(pool, 0);
    kit = ActorTestKit.create("AdapterAgainstSimulatorTest", ConfigFactory.parseString(
        "akka.actor.provider = local").withFallback(ConfigFactory.load()));
  }

  @AfterAll static void stop() {
    kit.shutdownTestKit();
    sim.close();
    pool.close();
  }

  @AfterEach void heal() {
    pool.unhangXapi(MASTER);
  }

  /** The adapter of the node on the slave host: it finds the master by following HOST_IS_SLAVE. */
  static SdkXapiAdapter adapterOnSlave() {
    return new SdkXapiAdapter(new SdkXapiAdapter.Endpoint("http", sim.port(), ADDR_SLAVE, "root", PASSWORD,
        CALL_TIMEOUT, Duration.ofMillis(500), Duration.ofMillis(500),
        new XapiConnections.Security(java.util.Optional.empty(), "", List.of(), false,
            java.util.Optional.of(ADDR_SLAVE))), Clock.system());
  }

  static Connection sdk() throws Exception {
    Connection c = new Connection(new URL("http", ADDR_MASTER, sim.port(), "/"), 5, 5);
    Session.loginWithPassword(c, "root", PASSWORD);
    return c;
  }

  @Test
  void vmHaltedIsSeenThroughEventFromWithin500ms() throws Exception {
    SdkXapiAdapter adapter = adapterOnSlave();
    XapiPort.PoolChanges first = adapter.awaitChanges("", Duration.ofSeconds(5));   // xapi-subset.md §2.7: full batch
    assertTrue(first.changes() > 0, "an empty token returns every object");
    Connection c = sdk();
    VM vm = VM.getByUuid(c, VM_UUID);
    CompletableFuture<XapiPort.PoolChanges> waiting =
        CompletableFuture.supplyAsync(() -> adapter.awaitChanges(first.token(), Duration.ofSeconds(10)));
    Thread.sleep(200);   // let the wait reach the simulator before the change
    assertFalse(waiting.isDone(), "event.from must block while nothing changes");
    Instant halted = Instant.now();
    vm.hardShutdown(c);
    XapiPort.PoolChanges next = waiting.get(5, java.util.concurrent.TimeUnit.SECONDS);
    Duration seen = Duration.between(halted, Instant.now());
    assertTrue(next.changes() > 0);
    assertTrue(seen.compareTo(Duration.ofMillis(500)) <= 0, "halt seen after " + seen.toMillis() + " ms");
    assertEquals("Halted", pool.vmPowerState(VM_UUID));
    vm.start(c, false, false);
  }

  @Test
  void aPoolReadCarriesHostLivenessAndFreeMemory() throws Exception {
    var snapshot = adapterOnSlave().readPool();
    assertEquals(MASTER, snapshot.master().uuid());
    assertTrue(snapshot.hosts().stream().allMatch(h -> h.live() && h.memoryFree() > 0), snapshot.hosts().toString());
  }

  @Test
  void sessionsLostInAnXapiRestartAreReplacedByLoggingInAgain() throws Exception {
    SdkXapiAdapter adapter = adapterOnSlave();
    adapter.readPool();
    pool.restartXapi(MASTER);   // xapi-subset.md §2.1: sessions are not persisted
    Instant deadline = Instant.now().plusSeconds(10);
    while (!pool.isXapiUp(MASTER) && Instant.now().isBefore(deadline)) Thread.sleep(50);
    assertEquals(MASTER, adapter.readPool().master().uuid());
    assertTrue(pool.callLog().stream().anyMatch(r -> r.outcome().equals("SESSION_INVALID")),
        "the old session was refused and a new one used");
  }

  /** Answers Ping at once, from the default dispatcher, whatever the blocking-io threads are doing. */
  record Ping(ActorRef<String> replyTo) {}

  static Behavior<Ping> responsive() {
    return Behaviors.receiveMessage(p -> {
      p.replyTo().tell("pong");
      return Behaviors.same();
    });
  }

  @Test
  void callsToAHungHostFailWithinTheBoundWhileTheNodeKeepsServing() {
    SdkXapiAdapter adapter = adapterOnSlave();
    adapter.readPool();                                  // logged in, master known
    pool.hangXapi(MASTER);
    Executor blockingIo = kit.system().dispatchers().lookup(DispatcherSelector.fromConfig("tandem.blocking-io"));
    ActorRef<Ping> other = kit.spawn(responsive());
    TestProbe<String> pongs = kit.createTestProbe();
    Instant began = Instant.now();
    CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> (Object) adapter.readPool(), blockingIo)
        .exceptionally(e -> e.getCause() != null ? e.getCause() : e);
    while (!call.isDone() && Duration.between(began, Instant.now()).toMillis() < 10_000) {
      other.tell(new Ping(pongs.ref()));
      pongs.expectMessage(Duration.ofMillis(200), "pong");   // other actors keep being served
    }
    Object outcome = call.join();
    Duration took = Duration.between(began, Instant.now());
    assertTrue(outcome instanceof XapiUnreachable, "expected a timeout error, got " + outcome);
    // the adapter tries the master and, once, this host's own endpoint: each bounded by the call timeout
    assertTrue(took.compareTo(CALL_TIMEOUT.multipliedBy(3).plusMillis(500)) <= 0, "took " + took.toMillis() + " ms");
  }

  @Test
  void serializedObjectFaultFromTheSimulatorIsRefusedUnread() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new SerializedFaultTest.Tripwire());
    }
    String fault = "<?xml version=\"1.0\"?><methodResponse><fault><value><struct>"
        + "<member><name>faultCode</name><value><int>1</int></value></member>"
        + "<member><name>faultString</name><value>gotcha</value></member>"
        + "<member><name>faultCause</name><value><base64>" + Base64.getEncoder().encodeToString(bytes.toByteArray())
        + "</base64></value></member></struct></value></fault></methodResponse>";
    SerializedFaultTest.Tripwire.TRIPPED.set(false);
    sim.injectRawReply(SLAVE, "session.login_with_password", 3, "text/xml", fault);
    assertThrows(XapiUnreachable.class, () -> adapterOnSlave().readPool());
    assertFalse(SerializedFaultTest.Tripwire.TRIPPED.get(), "a serialized object from the server was deserialized");
  }
}
