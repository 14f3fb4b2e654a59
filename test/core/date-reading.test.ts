// The date and time readers against a fixed clock and zone: every form the issue
// lists, month and year ends, a leap day, DST change days, and numeric dates with and
// without the workspace's date order. Expected dates are written out by hand.
import { describe, expect, it } from 'vitest';
import { readDate, type DateDirection, type DateOrder } from '../../src/core/date-reading.js';
import { readClock, readHours, readTimeZone } from '../../src/core/time-reading.js';

// Sunday 6 December 2026, 11:00 in Berlin.
const SUNDAY = new Date('2026-12-06T10:00:00Z');
const BERLIN = 'Europe/Berlin';

const read = (text: string, direction: DateDirection = 'future', order?: DateOrder, now = SUNDAY, timeZone = BERLIN) =>
  readDate(text, { now, timeZone, order, direction });

describe('readDate: the forms people write, on Sunday 6 Dec 2026 in Berlin', () => {
  const cases: [string, DateDirection, string][] = [
    ['2026-12-01', 'future', '2026-12-01'],
    ['2027-03-31', 'past', '2027-03-31'],
    ['today', 'future', '2026-12-06'],
    ['Today', 'past', '2026-12-06'],
    ['tomorrow', 'future', '2026-12-07'],
    ['yesterday', 'past', '2026-12-05'],
    ['fri', 'future', '2026-12-11'],
    ['fri', 'past', '2026-12-04'],
    ['Friday', 'future', '2026-12-11'],
    ['mon', 'future', '2026-12-07'],
    ['mon', 'past', '2026-11-30'],
    ['sun', 'future', '2026-12-06'],
    ['next friday', 'future', '2026-12-11'],
    ['next friday', 'past', '2026-12-11'],
    ['last friday', 'future', '2026-12-04'],
    ['in 2 weeks', 'future', '2026-12-20'],
    ['in 3 days', 'future', '2026-12-09'],
    ['Dec 1', 'future', '2027-12-01'],
    ['Dec 1', 'past', '2026-12-01'],
    ['Dec 31', 'future', '2026-12-31'],
    ['Jan 15', 'past', '2026-01-15'],
    ['1 Dec 2026', 'future', '2026-12-01'],
    ['1 Dec 2026', 'past', '2026-12-01'],
    ['31 Mar 2027', 'future', '2027-03-31'],
    ['December 1, 2026', 'future', '2026-12-01'],
    ['  in   2   weeks ', 'future', '2026-12-20'],
  ];
  it.each(cases)('%s (%s) → %s', (text, direction, expected) => {
    expect(read(text, direction)).toEqual({ ok: true, date: expected });
  });
});

describe('readDate: numeric dates and the workspace date order', () => {
  const cases: [string, DateOrder | undefined, string][] = [
    ['12/01/2026', 'dmy', '2026-01-12'],
    ['12/01/2026', 'mdy', '2026-12-01'],
    ['12.01.2026', 'dmy', '2026-01-12'],
    ['1-12-2026', 'dmy', '2026-12-01'],
    ['12/01/26', 'mdy', '2026-12-01'],
    // One reading only: there is no 25th month, whatever the order says.
    ['25/12/2026', undefined, '2026-12-25'],
    ['25/12/2026', 'mdy', '2026-12-25'],
    ['12/25/2026', undefined, '2026-12-25'],
    // Both readings the same day.
    ['01/01/2027', undefined, '2027-01-01'],
    // No year: the field's way from today (a next step: the next such day).
    ['12/01', 'dmy', '2027-01-12'],
    ['12/01', 'mdy', '2027-12-01'],
    ['24/12', undefined, '2026-12-24'],
  ];
  it.each(cases)('%s with order %s → %s', (text, order, expected) => {
    expect(read(text, 'future', order)).toEqual({ ok: true, date: expected });
  });

  it('asks instead of guessing when both readings are real dates and no order is set', () => {
    const reading = read('12/01/2026');
    expect(reading.ok).toBe(false);
    if (reading.ok) return;
    expect(reading.ambiguous).toBe(true);
    expect(reading.problem).toContain('"12/01/2026" could be Mon 12 Jan 2026 or Tue 1 Dec 2026');
    expect(reading.problem).toContain('/tenure settings dates=dmy');
    expect(reading.problem).toContain('2026-01-12 or 2026-12-01');
  });

  it('a numeric date that is real in neither order is refused', () => {
    const reading = read('13/13/2026', 'future', 'dmy');
    expect(reading).toEqual({ ok: false, problem: '"13/13/2026" is not a real date in either order (day/month or month/day)' });
  });
});

describe('readDate: month ends, year ends, leap days and DST change days', () => {
  it('the last day of a month: tomorrow is the 1st of the next', () => {
    expect(read('tomorrow', 'future', undefined, new Date('2027-01-31T12:00:00Z'))).toEqual({ ok: true, date: '2027-02-01' });
    expect(read('tomorrow', 'future', undefined, new Date('2026-04-30T12:00:00Z'))).toEqual({ ok: true, date: '2026-05-01' });
  });

  it('New Year in Berlin while it is still the old year in UTC', () => {
    const now = new Date('2026-12-31T23:30:00Z'); // 00:30 on 1 Jan 2027 in Berlin
    expect(read('today', 'past', undefined, now)).toEqual({ ok: true, date: '2027-01-01' });
    expect(read('yesterday', 'past', undefined, now)).toEqual({ ok: true, date: '2026-12-31' });
    expect(read('tomorrow', 'future', undefined, now)).toEqual({ ok: true, date: '2027-01-02' });
    expect(read('today', 'past', undefined, now, 'UTC')).toEqual({ ok: true, date: '2026-12-31' });
    expect(read('Jan 1', 'future', undefined, now)).toEqual({ ok: true, date: '2027-01-01' });
    expect(read('Dec 31', 'past', undefined, now)).toEqual({ ok: true, date: '2026-12-31' });
  });

  it('a leap day, and 29 Feb without a year in a year that has none', () => {
    expect(read('tomorrow', 'future', undefined, new Date('2028-02-28T12:00:00Z'))).toEqual({ ok: true, date: '2028-02-29' });
    expect(read('29/02/2027', undefined)).toEqual({ ok: false, problem: '"29/02/2027" is not a real date in either order (day/month or month/day)' });
  });

  it('the spring-forward night in Berlin (28 Mar 2027): relative words move whole days', () => {
    const now = new Date('2027-03-27T23:30:00Z'); // 00:30 CET on Sunday 28 March, before the change
    expect(read('today', 'past', undefined, now)).toEqual({ ok: true, date: '2027-03-28' });
    expect(read('tomorrow', 'future', undefined, now)).toEqual({ ok: true, date: '2027-03-29' });
    expect(read('in 2 weeks', 'future', undefined, now)).toEqual({ ok: true, date: '2027-04-11' });
    expect(read('fri', 'past', undefined, now)).toEqual({ ok: true, date: '2027-03-26' });
  });

  it('the fall-back night in New York (1 Nov 2026)', () => {
    const now = new Date('2026-11-01T05:30:00Z'); // 01:30 EDT, the first of the two
    const ny = (text: string, direction: DateDirection) => read(text, direction, undefined, now, 'America/New_York');
    expect(ny('today', 'past')).toEqual({ ok: true, date: '2026-11-01' });
    expect(ny('yesterday', 'past')).toEqual({ ok: true, date: '2026-10-31' });
    expect(ny('in 3 days', 'future')).toEqual({ ok: true, date: '2026-11-04' });
    expect(ny('sun', 'future')).toEqual({ ok: true, date: '2026-11-01' });
  });
});

describe('readDate: what is not a date', () => {
  const cases: [string, string][] = [
    ['', 'the date is missing'],
    ['soon', '"soon" is not a date'],
    ['Dec', '"Dec" is not a date'],
    ['fri 2', '"fri 2" is not a date'],
    ['9am', '"9am" is not a date'],
    ['feb 30', '"feb 30" is not a date'],
    ['2027-02-30', '"2027-02-30" is not a date; write it as YYYY-MM-DD, e.g. 2027-03-31 (that month has no such day)'],
    ['dec 1 call', '"dec 1 call" is not a date'],
    ['in 2 weeks '.repeat(6), 'a date is at most 60 characters long'],
  ];
  it.each(cases)('%j', (text, problem) => {
    const reading = read(text);
    expect(reading.ok).toBe(false);
    if (!reading.ok) expect(reading.problem).toContain(problem);
  });
});

describe('readClock', () => {
  const cases: [string, string][] = [
    ['9am', '09:00'],
    ['9 am', '09:00'],
    ['9:30pm', '21:30'],
    ['12am', '00:00'],
    ['12pm', '12:00'],
    ['9:00', '09:00'],
    ['09:00', '09:00'],
    ['0900', '09:00'],
    ['1730', '17:30'],
    ['17h', '17:00'],
    ['17h30', '17:30'],
    ['23:59', '23:59'],
  ];
  it.each(cases)('%s → %s', (text, time) => {
    expect(readClock(text)).toEqual({ ok: true, time });
  });

  it.each(['9', '25:00', '13pm', '9:60', 'noonish', '2400'])('refuses %s', (text) => {
    expect(readClock(text).ok).toBe(false);
  });
});

describe('readHours', () => {
  const cases: [string, string, string][] = [
    ['9-17', '09:00', '17:00'],
    ['9am-5pm', '09:00', '17:00'],
    ['09:00–17:30', '09:00', '17:30'],
    ['09:00-18:00', '09:00', '18:00'],
    ['9 - 17', '09:00', '17:00'],
    ['9-5pm', '09:00', '17:00'],
    ['1-5pm', '13:00', '17:00'],
    ['0800—1600', '08:00', '16:00'],
    ['9:00 to 17:00', '09:00', '17:00'],
  ];
  it.each(cases)('%s → %s–%s', (text, start, end) => {
    expect(readHours(text)).toEqual({ ok: true, start, end });
  });

  it.each(['9', '9-', 'nine to five', '9-25'])('refuses %s', (text) => {
    expect(readHours(text).ok).toBe(false);
  });
});

describe('readTimeZone', () => {
  it('an IANA name in any case', () => {
    expect(readTimeZone('europe/berlin')).toEqual({ ok: true, zone: 'Europe/Berlin' });
    expect(readTimeZone('America/New_York')).toEqual({ ok: true, zone: 'America/New_York' });
    expect(readTimeZone('UTC')).toEqual({ ok: true, zone: 'UTC' });
  });

  it('an abbreviation is read as a named zone, and the answer says which', () => {
    const cet = readTimeZone('CET');
    expect(cet).toMatchObject({ ok: true, zone: 'Europe/Brussels' });
    expect(cet.ok && cet.note).toContain('CET was read as Europe/Brussels');
    expect(readTimeZone('est')).toMatchObject({ ok: true, zone: 'America/New_York' });
    expect(readTimeZone('PDT')).toMatchObject({ ok: true, zone: 'America/Los_Angeles' });
  });

  it.each(['Mars/Olympus', 'EST5EDT', 'bogus', '09:00'])('refuses %s', (text) => {
    expect(readTimeZone(text).ok).toBe(false);
  });
});
