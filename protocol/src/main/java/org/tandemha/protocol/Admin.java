package org.tandemha.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Objects;

/**
 * What the {@code tandem} CLI and a node's AdminActor say to each other over the admin socket: one JSON request per
 * connection, e.g. {@code {"verb":"fence","host":"3f9a…","really":true}}, answered by one {@link Reply}.
 */
public final class Admin {
  private Admin() {}

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "verb")
  @JsonSubTypes({@JsonSubTypes.Type(value = Fence.class, name = "fence"),
      @JsonSubTypes.Type(value = StorageStatus.class, name = "storage-status"),
      @JsonSubTypes.Type(value = StorageManual.class, name = "storage-manual"),
      @JsonSubTypes.Type(value = StorageSplitBrainResolve.class, name = "storage-split-brain-resolve"),
      @JsonSubTypes.Type(value = Status.class, name = "status"),
      @JsonSubTypes.Type(value = HostList.class, name = "host-list"),
      @JsonSubTypes.Type(value = VmList.class, name = "vm-list"),
      @JsonSubTypes.Type(value = PoolSwitch.class, name = "pool-switch"),
      @JsonSubTypes.Type(value = VmSet.class, name = "vm-set"),
      @JsonSubTypes.Type(value = Alerts.class, name = "alerts"),
      @JsonSubTypes.Type(value = ConfigGet.class, name = "config-get"),
      @JsonSubTypes.Type(value = ConfigSet.class, name = "config-set"),
      @JsonSubTypes.Type(value = HostAction.class, name = "host")})
  public sealed interface Request extends JsonSerializable {}

  /** {@code tandem status}: this node in full, every other node that answers in a line, the silent ones named. */
  public record Status() implements Request {}

  /**
   * {@code tandem host resume|declare-dead|maintenance enable|maintenance disable HOST}.
   *
   * @param verb {@code resume}, {@code declare-dead}, {@code maintenance-enable} or {@code maintenance-disable}
   * @param host a host UUID or its exact name
   */
  public record HostAction(String verb, String host) implements Request {
    public HostAction {
      Objects.requireNonNull(verb, "verb");
      Objects.requireNonNull(host, "host");
    }
  }

  /** {@code tandem config get [NAME]}: every parameter (or one), its value and where it comes from. */
  public record ConfigGet(String name) implements Request {
    public ConfigGet { name = name == null ? "" : name; }
  }

  /**
   * {@code tandem config set NAME VALUE}, {@code restore FILE}, {@code reset-defaults}, {@code import-halizard}: every
   * value checked first, nothing written unless all pass.
   *
   * @param values NAME → VALUE, in order (for reset-defaults: empty, the node's defaults are written; for
   *               import-halizard: HA-Lizard's local override file, over the pool's HA_* keys)
   * @param how    {@code set}, {@code restore}, {@code reset-defaults} or {@code import-halizard}
   */
  public record ConfigSet(java.util.LinkedHashMap<String, String> values, String how) implements Request {
    public ConfigSet {
      values = values == null ? new java.util.LinkedHashMap<>() : new java.util.LinkedHashMap<>(values);
      Objects.requireNonNull(how, "how");
    }
  }

  /** {@code tandem alert test}, {@code tandem alerts list|clear}: {@code verb} is test, list or clear. */
  public record Alerts(String verb) implements Request {
    public Alerts { Objects.requireNonNull(verb, "verb"); }
  }

  /** {@code tandem host list}: the pool's hosts as this node last read them, with each node's standing. */
  public record HostList() implements Request {}

  /** {@code tandem vm list}: HA-enabled, UUID, name, priority, power and restart state of every VM. */
  public record VmList() implements Request {}

  /**
   * {@code tandem enable|disable} (the pool HA switch, the XenCenter field HA-Lizard used) and
   * {@code tandem arm|disarm} (fencing and takeover, pool-wide).
   *
   * @param verb {@code enable}, {@code disable}, {@code arm} or {@code disarm}
   */
  public record PoolSwitch(String verb) implements Request {
    public PoolSwitch { Objects.requireNonNull(verb, "verb"); }
  }

  /**
   * {@code tandem vm set-ha VM true|false} and {@code tandem vm set-priority VM N|default}.
   *
   * @param vm      a VM's UUID or its exact name (an ambiguous name is refused with the candidates)
   * @param setting {@code ha} or {@code priority}
   */
  public record VmSet(String vm, String setting, String value) implements Request {
    public VmSet {
      Objects.requireNonNull(vm, "vm");
      Objects.requireNonNull(setting, "setting");
      Objects.requireNonNull(value, "value");
    }
  }

  /** {@code tandem storage split-brain resolve --survivor HOST}: this host is the survivor or the victim. */
  public record StorageSplitBrainResolve(String survivor) implements Request {
    public StorageSplitBrainResolve { Objects.requireNonNull(survivor, "survivor"); }
  }

  /** {@code tandem storage status}: the storage role as this node sees it. */
  public record StorageStatus() implements Request {}

  /**
   * {@code tandem storage manual-mode enable|disable}, {@code become-primary}, {@code become-secondary}.
   *
   * @param verb one of {@code enable}, {@code disable}, {@code become-primary}, {@code become-secondary}
   */
  public record StorageManual(String verb) implements Request {
    public StorageManual { Objects.requireNonNull(verb, "verb"); }
  }

  /** {@code tandem fence HOST --really}: power the host off now through its fence devices, journaled. */
  public record Fence(String host, boolean really) implements Request {
    public Fence { Objects.requireNonNull(host, "host"); }
  }

  /**
   * @param exit  the CLI's exit code: 0 done, 1 the operation failed, 2 bad usage or value (3, node unreachable, is
   *              the CLI's own)
   * @param lines what the CLI prints, one line each
   */
  public record Reply(int exit, List<String> lines, java.util.Map<String, Object> data) implements JsonSerializable {
    public Reply {
      lines = List.copyOf(lines);
      data = data == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
    }

    public Reply(int exit, List<String> lines) { this(exit, lines, java.util.Map.of()); }
  }
}
