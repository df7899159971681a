package org.tandemha.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import akka.actor.typed.javadsl.Adapter;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every record that crosses the network or enters the journal survives Akka serialization unchanged. */
class SerializationRoundTripTest {
  static final ActorTestKit testKit = ActorTestKit.create("SerializationRoundTripTest");
  static final Instant T = Instant.parse("2026-11-22T04:00:00.123Z");
  static final HostId A = new HostId("a1b2c3d4-0000-4000-8000-00000000000a");
  static final HostId B = new HostId("a1b2c3d4-0000-4000-8000-00000000000b");
  static final VmId VM = new VmId("5d3c0000-0000-4000-8000-000000000001");
  static final PoolId POOL = new PoolId("9f000000-0000-4000-8000-000000000001");

  @AfterAll static void shutdown() { testKit.shutdownTestKit(); }

  static List<Object> samples() {
    HostView host = new HostView(A, "xcp-a", "127.0.0.11", true, true, Map.of("ha-lizard-enabled", "master"));
    VmView vm = new VmView(VM, "web-01", "Running", Optional.of(A), false, false, false, 2,
        Map.of("home-pool", POOL.uuid()));
    return List.of(
        host, vm,
        new PoolSnapshot(POOL, A, Map.of("autopromote_uuid", B.uuid()), List.of(host), List.of(vm), T),
        new FenceOutcome.Confirmed(A, "sim-power", "power read back off", T),
        new FenceOutcome.Failed(A, "sim-power", "no answer within 5s", T),
        new QuorumVerdict(2, 2, true, true, List.of("self", "heuristics"), "tie broken by heuristics"),
        new HaSettings(false, "ha-lizard-enabled", 3, java.time.Duration.ofMillis(500), List.of("10.0.0.1"), true,
            java.time.Duration.ofSeconds(5)),
        new AutopromoteEvent.AutopromoteWinnerChosen(POOL, Optional.of(B), "lowest enabled slave uuid", T),
        new AutopromoteEvent.AutopromoteWinnerChosen(POOL, Optional.empty(), "none_available", T),
        new HaEvent.MasterLost(A, "unreachable 1.6s, xapi probes 3/3 failed", T),
        new HaEvent.Suspended(B, "could not fence the master and no quorum", T),
        new HaEvent.SuspensionCleared(B, "master reports this host healthy", T),
        new HaEvent.LoneMasterReboot(A, "all slaves unreachable, 1 failed, no quorum", T),
        new HaEvent.LoneMasterRebootCleared(A, "every slave reachable again", T),
        new HaEvent.IsolationHardStop(A, List.of("web-01"), "no quorum for MGT_LINK_LOSS_TOLERANCE=5s", T),
        new FenceSettings(true, 2, true, "stop", false, java.time.Duration.ofSeconds(5)),
        new HaEvent.ArmingChanged(false, "pool other-config tandem_armed=false", T),
        new HaEvent.SlaveLost(B, "unreachable 1.6s, xapi probes 3/3 failed", T),
        new HaEvent.SlaveRecovered(B, 3, T),
        new HaEvent.QuorumEvaluated(2, 2, true, List.of("self", "heuristics"), "tie broken", T),
        new HaEvent.FenceDelayed(A, java.time.Duration.ofSeconds(5), "exact tie: the master's side fences first", T),
        new HaEvent.WatchdogArmed(A, "/dev/watchdog", java.time.Duration.ofSeconds(60), T),
        new HaEvent.WatchdogFeeding(A, false, "no quorum while another side may hold it", T),
        new HaEvent.PeerWatchdogAwaited(A, java.time.Duration.ofSeconds(60), T.plusSeconds(70), "POOL", T),
        new HaEvent.PeerGoneByWatchdog(A, T.plusSeconds(70), "quorate 2/3, probes silent, no advert since", T),
        new HaEvent.StorageStep(A, "PROMOTE", "iscsi1", "this host is the pool master", T),
        new HaEvent.StorageStepFailed(A, "START_TARGET", "", "tgtd: exit 1", T),
        new HaEvent.StorageBlocked(A, "split brain recorded", T),
        new HaEvent.SplitBrain(A, "iscsi1", true, "recorded by the DRBD split-brain handler", T),
        new HaEvent.StorageManualMode(A, "primary", "tandem storage become-primary", T),
        new HaEvent.OperatorDeclaredDead(A, "root via tandem host declare-dead", "XAPI and ping silent", T),
        new HaEvent.ConfigChanged("pool", "XenCenter.CustomFields.ha-lizard-enabled", "true", "false",
            "root via tandem disable", T),
        new HaEvent.FenceRequested(A, "sim-power", "master lost", T),
        new HaEvent.FenceConfirmed(A, "sim-power", "power read back off", T),
        new HaEvent.FenceFailed(A, "sim-power", "timeout", T),
        new HaEvent.TakeoverRefused(A, "not the autopromote winner", T),
        new HaEvent.TakeoverStarted(A, B, "fence confirmed", T),
        new HaEvent.PromotedToMaster(B, A, T),
        new HaEvent.SlavesRecovered(List.of(), T),
        new HaEvent.VmPowerResetIssued(VM, "web-01", A, T),
        new HaEvent.StorageTakenOver(A, "no replicated storage configured", T),
        new HaEvent.TakeoverFinished(A, B, 5, T),
        new HaEvent.VmRestartIssued(VM, "web-01", B, "HA-enabled, halted, home-pool matches", T),
        new HaEvent.VmRestarted(VM, "web-01", B, T),
        new HaEvent.VmSettingInvalid(VM, "web-01", "XenCenter.CustomFields.ha-lizard-enabled", "yes",
            "not acted on until it is true or false", T),
        new HaEvent.VmRestartFailed(VM, "web-01", B, "HOST_NOT_LIVE", T),
        new HaEvent.VdiReleased(VM, "web-01", "0a1b from " + A, A.uuid(), "held by a host confirmed off", T),
        new HaEvent.VappStartIssued("0a1b2c3d-0000-4000-8000-000000000001", "shop", "2 of 3 member(s) halted", T),
        new HaEvent.VappStarted("0a1b2c3d-0000-4000-8000-000000000001", "shop", T),
        new HaEvent.VappStartFailed("0a1b2c3d-0000-4000-8000-000000000001", "shop", "OPERATION_PARTIALLY_FAILED", T),
        new HaEvent.HostDeclaredDead(A, "fence confirmed it off", T),
        new HaEvent.HostReEnabled(A, "its node rejoined", T),
        new HaEvent.DuplicateDomainDestroyed(VM, "web-01", A, B, "resident on B for 2.0 s", T));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void roundTrips(Object sample) {
    testKit.serializationTestKit().verifySerialization(sample, true);
  }

  @Test
  void eventsAreWrittenAsReadableJson() {
    var serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    Object event = new HaEvent.FenceConfirmed(A, "sim-power", "power read back off", T);
    var serializer = serialization.findSerializerFor(event);
    String json = new String(serializer.toBinary(event), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(json.contains("\"device\":\"sim-power\""), json);
    assertEquals("JacksonJsonSerializer", serializer.getClass().getSimpleName(), Serializers.manifestFor(serializer, event));
  }

  @Test
  void everyEventAndReplyTypeHasASample() {
    Set<Class<?>> sampled = samples().stream().map(Object::getClass).collect(Collectors.toSet());
    Set<Class<?>> declared = new HashSet<>();
    for (Class<?> sealed : List.of(HaEvent.class, AutopromoteEvent.class, FenceOutcome.class)) {
      declared.addAll(Arrays.asList(sealed.getPermittedSubclasses()));
    }
    Set<String> missing = declared.stream().filter(c -> !sampled.contains(c)).map(Class::getSimpleName)
        .collect(Collectors.toCollection(java.util.TreeSet::new));
    assertTrue(missing.isEmpty(), "records without a serialization sample: " + missing);
  }
}
