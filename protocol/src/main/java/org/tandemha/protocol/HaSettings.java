package org.tandemha.protocol;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The pool-wide HA settings this path uses, with HA-Lizard's names where it has one.
 *
 * @param globalVmHa      GLOBAL_VM_HA: true = every VM is managed; false = only VMs whose other-config
 *                        {@code XenCenter.CustomFields.<xcFieldName>} is {@code true}
 * @param xcFieldName     XC_FIELD_NAME: the pool/VM/host key HA-Lizard and XenCenter use
 * @param xapiCount       XAPI_COUNT: failed XAPI probes needed to confirm a lost peer
 * @param xapiDelay       XAPI_DELAY: pause between those probes
 * @param heuristicsIps   FENCE_HEURISTICS_IPS: all must answer for the tie-breaking vote
 * @param useIpHeuristics FENCE_USE_IP_HEURISTICS
 * @param fenceDelaySlave FENCE_DELAY_SLAVE: in an exact tie the slave's side waits this long before it fences,
 *                        so in a symmetric partition the master's fence lands first
 * @param opMode          OP_MODE: 2 = VMs are managed one by one; 1 = vApps (VM_appliance) are managed as units
 * @param disabledVapps   DISABLED_VAPPS: in OP_MODE 1, the vApp UUIDs left alone
 */
public record HaSettings(boolean globalVmHa, String xcFieldName, int xapiCount, Duration xapiDelay,
                         List<String> heuristicsIps, boolean useIpHeuristics, Duration fenceDelaySlave,
                         int opMode, java.util.Set<String> disabledVapps)
    implements CborSerializable {
  public static final Duration DEFAULT_FENCE_DELAY_SLAVE = Duration.ofSeconds(5);
  public static final int OP_MODE_VAPPS = 1;
  public static final int OP_MODE_VMS = 2;

  public HaSettings(boolean globalVmHa, String xcFieldName, int xapiCount, Duration xapiDelay,
                    List<String> heuristicsIps, boolean useIpHeuristics, Duration fenceDelaySlave) {
    this(globalVmHa, xcFieldName, xapiCount, xapiDelay, heuristicsIps, useIpHeuristics, fenceDelaySlave, OP_MODE_VMS,
        java.util.Set.of());
  }

  public HaSettings(boolean globalVmHa, String xcFieldName, int xapiCount, Duration xapiDelay,
                    List<String> heuristicsIps, boolean useIpHeuristics) {
    this(globalVmHa, xcFieldName, xapiCount, xapiDelay, heuristicsIps, useIpHeuristics, DEFAULT_FENCE_DELAY_SLAVE);
  }

  public HaSettings {
    Objects.requireNonNull(xcFieldName, "xcFieldName");
    Objects.requireNonNull(xapiDelay, "xapiDelay");
    heuristicsIps = List.copyOf(heuristicsIps);
    if (xcFieldName.isBlank()) throw new IllegalArgumentException("XC_FIELD_NAME must not be blank");
    if (xapiCount < 1) throw new IllegalArgumentException("XAPI_COUNT must be at least 1, got " + xapiCount);
    if (xapiDelay.isNegative()) throw new IllegalArgumentException("XAPI_DELAY must not be negative");
    Objects.requireNonNull(fenceDelaySlave, "fenceDelaySlave");
    if (fenceDelaySlave.isNegative()) throw new IllegalArgumentException("FENCE_DELAY_SLAVE must not be negative");
    if (opMode != OP_MODE_VAPPS && opMode != OP_MODE_VMS) {
      throw new IllegalArgumentException("OP_MODE must be 1 (vApps) or 2 (VMs), got " + opMode);
    }
    disabledVapps = java.util.Set.copyOf(disabledVapps);
  }

  /** OP_MODE 1: vApps are restarted as units through VM_appliance.start. */
  public boolean vappMode() { return opMode == OP_MODE_VAPPS; }

  /**
   * HA-Lizard's FIELD, {@code XenCenter.CustomFields.<XC_FIELD_NAME>}: one key for the pool HA switch (pool
   * other-config), the host tags master/healthy/failed (host other-config) and a VM's HA flag (VM other-config).
   */
  public String field() { return "XenCenter.CustomFields." + xcFieldName; }

  /** The VM other-config key XenCenter shows as the custom field: {@link #field()}. */
  public String vmFieldKey() { return field(); }
}
