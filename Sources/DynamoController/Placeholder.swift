// Placeholder until the DynamoController issue lands.
