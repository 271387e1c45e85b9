/**
 * The notice as the disclosures generator writes it (Markdown: `#` headings, paragraphs, `- `
 * lists) turned into elements. Built with `textContent` only: the page never parses HTML.
 */
export function noticeElements(markdown: string): HTMLElement[] {
  const elements: HTMLElement[] = [];
  let list: HTMLUListElement | undefined;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('- ')) {
      if (!list) {
        list = document.createElement('ul');
        elements.push(list);
      }
      const item = document.createElement('li');
      item.textContent = line.slice(2);
      list.append(item);
      continue;
    }
    list = undefined;
    if (line.trim() === '') continue;
    const heading = /^(#{1,3}) (.+)$/.exec(line);
    // The page's own heading is an h2: the notice's title becomes an h3, its sections h4.
    const element = document.createElement(heading ? (heading[1]!.length === 1 ? 'h3' : 'h4') : 'p');
    element.textContent = heading ? heading[2]! : line;
    elements.push(element);
  }
  return elements;
}
