package io.lagscaler.devstack;

/** A running Kafka that clients can reach. */
public interface KafkaCluster extends AutoCloseable {

  /** The {@code bootstrap.servers} value for clients. */
  String bootstrapServers();

  /** How many brokers serve client requests. */
  int brokerCount();

  @Override
  void close();
}
