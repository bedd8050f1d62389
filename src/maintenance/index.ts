/**
 * kompliant-envelope/maintenance: 503 as an envelope while a switch or a
 * check says the service is in maintenance; `redisMaintenanceSwitch()` is one
 * switch for a whole fleet. Every export is listed here by name.
 *
 * @module kompliant-envelope/maintenance
 */
export { maintenance, maintenanceSwitch, type MaintenanceOptions, type MaintenanceSwitch } from './maintenance.js';
export {
  redisMaintenanceSwitch,
  type MaintenanceState,
  type RedisMaintenanceSwitch,
  type RedisMaintenanceSwitchOptions,
} from './redis-switch.js';
