/**
 * @module
 * `wharf customer create|list|show|delete`: an application's customers —
 * who licenses are issued to. Owners and admins of the application's
 * organization manage them.
 */
import type { Command } from "commander";
import { type ApiOptions, connect } from "./cli-api.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";
import { type LicenseRecord, licenseRows, licenseTableHeaders } from "./license-table.ts";

interface Customer {
  readonly name: string;
  readonly app: string;
  readonly email: string | null;
  readonly createdAt: string;
  readonly activeLicenses: number;
}

type AppOptions = ApiOptions & { app: string };

const customersPath = (app: string) => `/apps/${encodeURIComponent(app)}/customers`;

async function create(name: string, options: AppOptions & { email?: string }): Promise<void> {
  const client = await connect(options);
  const body = { name, ...(options.email !== undefined && { email: options.email }) };
  const customer = (await client.request("POST", customersPath(options.app), body)) as Customer;
  emit(options, customer, `Created customer ${customer.name} of ${customer.app}`);
}

async function list(options: AppOptions): Promise<void> {
  const answer = (await (await connect(options)).request("GET", customersPath(options.app))) as {
    customers: Customer[];
  };
  const rows = answer.customers.map((c) => [c.name, c.email, c.activeLicenses, c.createdAt]);
  emit(options, answer, table(["name", "email", "active licenses", "created"], rows));
}

async function show(name: string, options: AppOptions): Promise<void> {
  const path = `${customersPath(options.app)}/${encodeURIComponent(name)}`;
  const customer = (await (await connect(options)).request("GET", path)) as Customer & { licenses: LicenseRecord[] };
  emit(options, customer, [
    `customer ${customer.name} of ${customer.app}`,
    `email    ${customer.email ?? "-"}`,
    `created  ${customer.createdAt}`,
    "",
    ...table(licenseTableHeaders, licenseRows(customer.licenses)),
  ]);
}

async function remove(name: string, options: AppOptions): Promise<void> {
  await (await connect(options)).request("DELETE", `${customersPath(options.app)}/${encodeURIComponent(name)}`);
  emit(options, { app: options.app, name, deleted: true }, `Deleted customer ${name} and its licenses`);
}

/** Registers `customer …`. */
export function registerCustomerCommands(program: Command): void {
  const customer = program.command("customer").description("manage an application's customers");
  const withApp = (command: Command) =>
    withApiOptions(command.requiredOption("--app <slug>", "the application the customer belongs to"));
  withApp(customer.command("create <name>").description("create a customer"))
    .option("--email <email>", "contact e-mail")
    .action(action(create));
  withApp(customer.command("list").description("list customers")).action(action(list));
  withApp(customer.command("show <name>").description("show a customer and its licenses")).action(action(show));
  withApp(customer.command("delete <name>").description("delete a customer; its licenses stop working")).action(
    action(remove),
  );
}
