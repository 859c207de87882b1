import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { AiProviderRegistry } from '@app/ai-providers';
import { CreditsService } from '@app/credits';
import { loadConfigOrExit } from '@app/config';
import { ReadinessService } from '@app/health';
import { UsersService } from '@app/users';
import { CliDatabaseModule, CliDoctorModule } from './cli.modules';
import { doctorReport, formatReport } from './commands/doctor';
import { runModelsCommand } from './models/models-command';
import { SeedService } from './seed/seed.service';

const USAGE = `Usage: node dist/apps/cli/src/main.js <command> [options]
  seed                                        upsert the AI model catalogue (idempotent)
  doctor                                      run the readiness checks; exit 1 if not ready
  create-admin --email E --password P         create an ADMIN user, or promote an existing user
  grant-credits --email E --amount N --reason R [--grant-id ID]   grant credits (idempotent per grant id)
  models list | pull <name…> [--mirror URL | --from FILE] [--timeout-ms N] | verify
                                              install and check background-removal model files in MODELS_DIR`;

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'models') {
    // Own options and positionals; needs no database or Redis (usable in a Docker build step).
    const config = loadConfigOrExit();
    const interrupt = new AbortController();
    process.once('SIGINT', () => interrupt.abort()); // Ctrl-C: the pull removes its temp file, then exits 1
    return runModelsCommand(rest, { modelsDir: config.MODELS_DIR, signal: interrupt.signal });
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      amount: { type: 'string' },
      reason: { type: 'string' },
      'grant-id': { type: 'string' },
    },
  });
  loadConfigOrExit();

  switch (command) {
    case 'seed': {
      const app = await NestFactory.createApplicationContext(CliDatabaseModule, { logger: ['error', 'warn', 'log'] });
      const result = await app.get(SeedService).seed();
      console.log(`catalogue: ${result.created} created, ${result.updated} updated`);
      await app.close();
      return 0;
    }
    case 'doctor': {
      const app = await NestFactory.createApplicationContext(CliDoctorModule, { logger: ['error'] });
      const report = await doctorReport(app.get(ReadinessService), app.get(AiProviderRegistry));
      console.log(formatReport(report));
      await app.close();
      return report.ready ? 0 : 1;
    }
    case 'create-admin': {
      if (!values.email || !values.password || values.password.length < 8) {
        console.error('create-admin needs --email and --password (8+ characters)');
        return 2;
      }
      const app = await NestFactory.createApplicationContext(CliDatabaseModule, { logger: ['error', 'warn'] });
      const users = app.get(UsersService);
      const existing = await users.findByEmail(values.email);
      const user = existing
        ? await users.setRole(existing.id, 'ADMIN')
        : await users.create({ email: values.email, password: values.password, role: 'ADMIN' });
      console.log(`${existing ? 'promoted' : 'created'} admin ${user.email} (${user.id})`);
      await app.close();
      return 0;
    }
    case 'grant-credits': {
      const amount = Number(values.amount);
      if (!values.email || !Number.isSafeInteger(amount) || amount <= 0 || !values.reason) {
        console.error('grant-credits needs --email, a positive integer --amount and --reason');
        return 2;
      }
      const app = await NestFactory.createApplicationContext(CliDatabaseModule, { logger: ['error', 'warn'] });
      const user = await app.get(UsersService).findByEmail(values.email);
      if (!user) {
        console.error(`no user with email ${values.email}`);
        await app.close();
        return 1;
      }
      const result = await app.get(CreditsService).grant(user.id, amount, {
        referenceType: 'admin_grant',
        referenceId: values['grant-id'] ?? randomUUID(),
        description: `${values.reason} (cli)`,
      });
      console.log(result.applied ? `granted ${amount}; balance ${result.balance}` : `grant already applied; balance ${result.balance}`);
      await app.close();
      return 0;
    }
    default:
      console.error(USAGE);
      return command ? 2 : 0;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
