/**
 * kompliant-envelope/maintenance: 503 as an envelope while a switch or a
 * check says the service is in maintenance. Every export is listed here by name.
 *
 * @module kompliant-envelope/maintenance
 */
export { maintenance, maintenanceSwitch, type MaintenanceOptions, type MaintenanceSwitch } from './maintenance.js';
