/**
 * The {@code ferry-primary} command ({@link dev.ferry.primary.FerryPrimary}), its configuration
 * ({@code PrimaryConfig}: flags, {@code FERRY_*} environment variables, YAML file, defaults) and
 * the running server's lifecycle. docs/operations.md describes every option.
 */
package dev.ferry.primary;
