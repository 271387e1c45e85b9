// @ts-check
/**
 * TypeDoc plugin: the site's front page prints the project name as its title, and the README
 * begins with the same name as its `#` heading, so the name appeared twice. This drops the
 * README's first heading from the front page only; the README itself stays as GitHub shows it.
 */
import { RendererEvent } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.renderer.on(RendererEvent.BEGIN, (event) => {
    const first = event.project.readme?.[0];
    if (first?.kind === 'text') first.text = first.text.replace(/^# [^\n]*\n+/, '');
  });
}
