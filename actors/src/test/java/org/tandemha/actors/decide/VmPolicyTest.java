package org.tandemha.actors.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.protocol.HaSettings;
import org.tandemha.protocol.PoolId;
import org.tandemha.protocol.VmId;
import org.tandemha.protocol.VmView;

class VmPolicyTest {
  static final PoolId POOL = new PoolId("pool-1");
  static final HaSettings PER_VM = new HaSettings(false, "ha-lizard-enabled", 3, Duration.ofMillis(500), List.of(), false);
  static final HaSettings GLOBAL = new HaSettings(true, "ha-lizard-enabled", 3, Duration.ofMillis(500), List.of(), false);
  static final String FIELD = "XenCenter.CustomFields.ha-lizard-enabled";

  static VmView vm(String power, String field, String homePool, boolean dom0, boolean template) {
    Map<String, String> oc = new HashMap<>();
    if (field != null) oc.put(FIELD, field);
    if (homePool != null) oc.put(VmPolicy.HOME_POOL, homePool);
    return new VmView(new VmId("vm"), "vm", power, Optional.empty(), dom0, template, false, 0, oc);
  }

  static Stream<Arguments> cases() {
    return Stream.of(//                                                  settings power      field    home     dom0  tmpl  restart
        Arguments.of("HA-enabled, halted, ran under HA",                  PER_VM, vm("Halted", "true", "pool-1", false, false), true),
        Arguments.of("HA-enabled but never ran under HA",                 PER_VM, vm("Halted", "true", null, false, false), false),
        Arguments.of("HA-enabled, ran under another pool's HA",           PER_VM, vm("Halted", "true", "pool-2", false, false), false),
        Arguments.of("HA-disabled",                                       PER_VM, vm("Halted", "false", "pool-1", false, false), false),
        Arguments.of("field unset",                                       PER_VM, vm("Halted", null, "pool-1", false, false), false),
        Arguments.of("invalid field value is never acted on",             PER_VM, vm("Halted", "yes", "pool-1", false, false), false),
        Arguments.of("running VM is not restarted",                       PER_VM, vm("Running", "true", "pool-1", false, false), false),
        Arguments.of("GLOBAL_VM_HA=1 manages a VM without the field",     GLOBAL, vm("Halted", null, "pool-1", false, false), true),
        Arguments.of("templates are never managed",                       GLOBAL, vm("Halted", "true", "pool-1", false, true), false),
        Arguments.of("control domains are never managed",                 GLOBAL, vm("Halted", "true", "pool-1", true, false), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decidesRestart(String name, HaSettings s, VmView vm, boolean restart) {
    VmPolicy.Verdict v = VmPolicy.toRestart(s, POOL, vm);
    assertEquals(restart, v.act(), v.reason());
  }

  static Stream<Arguments> tagCases() {
    return Stream.of(
        Arguments.of("running HA VM without token gets it", vm("Running", "true", null, false, false), true),
        Arguments.of("running HA VM with token",            vm("Running", "true", "pool-1", false, false), false),
        Arguments.of("running non-HA VM",                   vm("Running", "false", null, false, false), false),
        Arguments.of("halted HA VM never gets it here",     vm("Halted", "true", null, false, false), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tagCases")
  void tagsHomePool(String name, VmView vm, boolean tag) {
    assertEquals(tag, VmPolicy.needsHomePoolTag(PER_VM, POOL, vm));
  }

  // OP_MODE=1 (§4.2): vApps as units; DISABLED_VAPPS; every vApp judged on its own.
  static final String SHOP = "0a1b2c3d-0000-4000-8000-000000000001";
  static final String LAB = "0a1b2c3d-0000-4000-8000-000000000002";
  static final HaSettings VAPPS = new HaSettings(false, "ha-lizard-enabled", 3, Duration.ofMillis(500), List.of(), false,
      Duration.ofSeconds(5), HaSettings.OP_MODE_VAPPS, java.util.Set.of(LAB));

  static VmView member(String name, String power, String vapp, String homePool) {
    Map<String, String> oc = new HashMap<>();
    if (homePool != null) oc.put(VmPolicy.HOME_POOL, homePool);
    return new VmView(new VmId(name), name, power, Optional.empty(), false, false, false, 0, oc, Optional.empty(),
        Optional.ofNullable(vapp), false);
  }

  static Stream<Arguments> vappCases() {
    var shop = new org.tandemha.protocol.PoolSnapshot.Appliance(SHOP, "shop");
    var lab = new org.tandemha.protocol.PoolSnapshot.Appliance(LAB, "lab");
    return Stream.of(//                                          settings vApp  members                                                     start
        Arguments.of("a halted member, ran under HA: start",     VAPPS,   shop, List.of(member("db", "Halted", SHOP, "pool-1"),
                                                                                        member("web", "Running", SHOP, "pool-1")), true),
        Arguments.of("all members running: nothing",             VAPPS,   shop, List.of(member("db", "Running", SHOP, "pool-1")), false),
        Arguments.of("never ran under this pool's HA",           VAPPS,   shop, List.of(member("db", "Halted", SHOP, null)), false),
        Arguments.of("listed in DISABLED_VAPPS",                 VAPPS,   lab,  List.of(member("x", "Halted", LAB, "pool-1")), false),
        Arguments.of("no members",                               VAPPS,   shop, List.of(), false),
        Arguments.of("only a suspended member: not startable",   VAPPS,   shop, List.of(member("db", "Suspended", SHOP, "pool-1")), false),
        Arguments.of("OP_MODE=2: vApps are not units",           PER_VM,  shop, List.of(member("db", "Halted", SHOP, "pool-1")), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vappCases")
  void decidesVappStart(String name, HaSettings s, org.tandemha.protocol.PoolSnapshot.Appliance vapp, List<VmView> members,
                        boolean start) {
    VmPolicy.Verdict v = VmPolicy.toStartVapp(s, POOL, vapp, members);
    assertEquals(start, v.act(), v.reason());
  }

  static Stream<Arguments> vappMemberCases() {
    return Stream.of(//                                                          managed             restart alone
        Arguments.of("a member of a managed vApp",        member("db", "Halted", SHOP, "pool-1"), VmPolicy.Managed.YES, false),
        Arguments.of("a member of a disabled vApp",       member("x", "Halted", LAB, "pool-1"),   VmPolicy.Managed.NO,  false),
        Arguments.of("a VM in no vApp",                   member("v", "Halted", null, "pool-1"),  VmPolicy.Managed.NO,  false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vappMemberCases")
  void inVappModeVmsAreManagedThroughTheirVapp(String name, VmView vm, VmPolicy.Managed managed, boolean restart) {
    assertEquals(managed, VmPolicy.managed(VAPPS, vm));
    assertEquals(restart, VmPolicy.toRestart(VAPPS, POOL, vm).act());
  }
}
