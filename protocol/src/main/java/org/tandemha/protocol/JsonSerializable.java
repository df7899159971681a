package org.tandemha.protocol;

/** Marker for journal events: bound to jackson-json so the journal stays readable by operators. */
public interface JsonSerializable {}
