// Placeholder until the DynamoAPI issue lands.
