package org.tandemha.protocol;

/** Marker for messages that cross the network between nodes: bound to jackson-cbor in application.conf. */
public interface CborSerializable {}
