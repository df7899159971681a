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
  @JsonSubTypes({@JsonSubTypes.Type(value = Fence.class, name = "fence")})
  public sealed interface Request extends JsonSerializable {}

  /** {@code tandem fence HOST --really}: power the host off now through its fence devices, journaled. */
  public record Fence(String host, boolean really) implements Request {
    public Fence { Objects.requireNonNull(host, "host"); }
  }

  /**
   * @param exit  the CLI's exit code: 0 done, 1 the operation failed, 2 bad usage or value (3, node unreachable, is
   *              the CLI's own)
   * @param lines what the CLI prints, one line each
   */
  public record Reply(int exit, List<String> lines) implements JsonSerializable {
    public Reply { lines = List.copyOf(lines); }
  }
}
