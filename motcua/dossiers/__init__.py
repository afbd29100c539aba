"""Dossiers (hồ sơ): the lifecycle from submission to the returned result, with legal codes and deadlines."""
