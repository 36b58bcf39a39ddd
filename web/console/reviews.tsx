import { useEffect, useState } from 'preact/hooks';
import type { ScreenProps } from './main.tsx';
import { api, problemText, type Problem } from './api.ts';
import { areaName, fullName, type VolunteerView } from './roster.tsx';

interface ReviewItem {
  id: string;
  probability: number;
  status: string;
  createdAt: string;
  explanation: { field: string; level: string; weight: number }[];
  a: VolunteerView;
  b: VolunteerView;
}

/** The possible duplicates, most likely first: both records side by side, the explanation field by field. */
export function Reviews({ t, lang, drive }: ScreenProps) {
  const [items, setItems] = useState<ReviewItem[] | null>(null);
  const [message, setMessage] = useState('');
  const load = async () => {
    const answer = await api<{ items: ReviewItem[] } & Problem>('GET', '/api/v1/dedup/reviews?limit=20');
    if (answer.ok) setItems(answer.body.items);
    else setMessage(problemText(answer.body));
  };
  useEffect(() => {
    void load();
  }, []);
  const decide = async (id: string, decision: 'same' | 'different') => {
    const answer = await api<Problem>('POST', `/api/v1/dedup/reviews/${id}/decision`, { decision });
    await load();
    setMessage(answer.ok ? t('console_decided') : problemText(answer.body));
  };
  if (!items) return <p>…</p>;
  const hidden = t('console_hidden');
  const cell = (value: string | number | null | undefined) => (value === undefined ? <em>{hidden}</em> : value === null || value === '' ? '—' : String(value));
  const fields: [string, (v: VolunteerView) => string | number | null | undefined][] = [
    [t('console_reference'), (v) => v.reference],
    [t('console_name'), (v) => fullName(v, hidden)],
    [t('web_birth_date'), (v) => (v.birthDate === undefined && v.birthYear === undefined ? undefined : (v.birthDate ?? v.birthYear))],
    [t('web_sex'), (v) => v.sex],
    [t('web_phone'), (v) => v.phone],
    [t('web_national_id'), (v) => v.nationalId],
    [t('console_area'), (v) => areaName(drive, v.area)],
    [t('console_role'), (v) => (v.roles ?? []).map((r) => (drive.roles.get(r) ? drive.label(drive.roles.get(r)!.labels, lang) : r)).join(', ')],
    [t('console_channel'), (v) => v.channel],
    [t('console_registered_at'), (v) => v.createdAt?.replace('T', ' ').slice(0, 16)],
  ];
  return (
    <>
      <h2>{t('console_reviews')}</h2>
      {message && (
        <p role="status" class="ok" id="review-message">
          {message}
        </p>
      )}
      {items.length === 0 && <p>{t('console_no_results')}</p>}
      {items.map((item) => (
        <article class="card review" key={item.id} data-review-id={item.id}>
          <h3>{t('console_score', { score: item.probability.toFixed(3) })}</h3>
          <div class="grid2">
            <table>
              <thead>
                <tr>
                  <th />
                  <th>A</th>
                  <th>B</th>
                </tr>
              </thead>
              <tbody>
                {fields.map(([label, get]) => (
                  <tr key={label}>
                    <th scope="row">{label}</th>
                    <td>{cell(get(item.a))}</td>
                    <td>{cell(get(item.b))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table>
              <thead>
                <tr>
                  <th>{t('console_field')}</th>
                  <th>{t('console_agreement')}</th>
                  <th>{t('console_weight')}</th>
                </tr>
              </thead>
              <tbody>
                {item.explanation.map((e) => (
                  <tr key={e.field}>
                    <td>{e.field}</td>
                    <td class={e.weight >= 0 ? 'agree-yes' : 'agree-no'}>{e.level}</td>
                    <td>{e.weight >= 0 ? `+${e.weight.toFixed(2)}` : e.weight.toFixed(2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>
            <button type="button" class="danger" onClick={() => void decide(item.id, 'same')}>
              {t('console_same')}
            </button>{' '}
            <button type="button" class="secondary" onClick={() => void decide(item.id, 'different')}>
              {t('console_different')}
            </button>
          </p>
        </article>
      ))}
    </>
  );
}
